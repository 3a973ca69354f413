using OrleansRegistry.Cli.Parsing;
using OrleansRegistry.Client.Images;

namespace OrleansRegistry.Cli.Commands;

/// <summary><c>oreg pull REGISTRY/REPO[:TAG|@DIGEST] DIR[:TAG]</c>: an image from a registry into an OCI layout directory.</summary>
internal sealed class PullCommand : ICommand
{
    public string Name => "pull";

    public string Synopsis => "pull REGISTRY/REPO[:TAG|@DIGEST] DIR[:TAG]";

    public string Summary => "pull an image into an OCI layout directory";

    public string Details => """
        The source reference defaults to the tag latest. DIR is created as an OCI image layout when missing (an
        existing layout keeps its other images). The layout tag defaults to the source tag; an image pulled by
        digest without DIR:TAG is stored untagged. Every blob is verified against its digest while it streams and
        appears in the layout only complete. A Docker schema1 image is reported by its registry digest (of the
        payload without signatures); the layout files its signed bytes under their own sha256.
        """;

    public IReadOnlyList<OptionSpec> Options => [];

    public async Task<int> RunAsync(CommandContext context, CancellationToken ct)
    {
        var arguments = context.Positionals(2);
        var source = ImageReference.Parse(arguments[0]);
        var destination = LayoutReference.Parse(arguments[1]);

        var layoutTag = destination.Tag ?? source.Tag ?? (source.Digest is null ? "latest" : null);
        var repository = context.Registries.Repository(source);
        var createdHere = !Directory.Exists(destination.Directory);
        var store = LayoutDirectory.Open(destination.Directory);
        OrleansRegistry.Core.Descriptor root;
        try
        {
            root = await context.CreateDisplay().RunAsync(progress => context.Images.PullAsync(repository, source.ManifestReference,
                store, layoutTag, new TransferOptions { Window = context.Globals.Window, Progress = progress }, ct));
        }
        catch when (createdHere)
        {
            // A failed pull into a new directory leaves nothing behind (an existing layout keeps what it had).
            try { Directory.Delete(destination.Directory, recursive: true); } catch (IOException) { }
            throw;
        }
        await context.ResultAsync($"pulled {source} {root.Digest} to {destination with { Tag = layoutTag }}");
        return ExitCodes.Success;
    }
}
