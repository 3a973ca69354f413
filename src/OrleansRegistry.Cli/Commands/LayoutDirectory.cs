using OrleansRegistry.Client.ObjectStores;

namespace OrleansRegistry.Cli.Commands;

/// <summary>Opens OCI layout directories for the commands that read or write them.</summary>
internal static class LayoutDirectory
{
    /// <summary>
    /// A layout that must already exist: <see cref="OciLayoutStore"/> would create an empty one, and a typo in a push
    /// source should say "not a layout" rather than "tag unknown" (and leave no stray directory behind).
    /// </summary>
    public static OciLayoutStore OpenExisting(string directory)
    {
        if (!File.Exists(Path.Combine(directory, OciLayoutStore.LayoutFileName)))
            throw new CliFailureException($"'{directory}' is not an OCI image layout (it has no {OciLayoutStore.LayoutFileName} file)");
        return Open(directory);
    }

    /// <summary>A layout to write into, created when missing.</summary>
    public static OciLayoutStore Open(string directory)
    {
        try
        {
            return new OciLayoutStore(directory);
        }
        catch (InvalidDataException e)
        {
            throw new CliFailureException($"'{directory}' is not a usable OCI image layout: {e.Message}", e);
        }
    }
}
