namespace OrleansRegistry.TestSupport.Interop;

/// <summary>A fresh directory under the system temp directory, removed on dispose (layouts hold tens of MiB).</summary>
public sealed class TempDirectory : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("oreg-interop-");

    public string Path => _directory.FullName;

    /// <summary>A path inside this directory that does not exist yet (skopeo creates oci: destinations itself).</summary>
    public string Child(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try { _directory.Delete(recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
