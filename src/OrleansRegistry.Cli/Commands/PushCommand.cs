using OrleansRegistry.Cli.Parsing;
using OrleansRegistry.Client.Images;
using OrleansRegistry.Client.ObjectStores;

namespace OrleansRegistry.Cli.Commands;

/// <summary><c>oreg push DIR[:TAG] REGISTRY/REPO[:TAG]</c>: an image from an OCI layout directory to a registry.</summary>
internal sealed class PushCommand : ICommand
{
    public string Name => "push";

    public string Synopsis => "push DIR[:TAG] REGISTRY/REPO[:TAG]";

    public string Summary => "push an image from an OCI layout directory";

    public string Details => """
        DIR is an OCI image layout (skopeo's oci:DIR:TAG, umoci's layouts); TAG picks its index.json entry and
        defaults to latest. The registry tag defaults to the layout tag. Blobs the repository has are skipped;
        large blobs go up in chunks that resume after a dropped connection.
        """;

    public IReadOnlyList<OptionSpec> Options => [];

    public async Task<int> RunAsync(CommandContext context, CancellationToken ct)
    {
        var arguments = context.Positionals(2);
        var source = LayoutReference.Parse(arguments[0]);
        var destination = ImageReference.Parse(arguments[1]);
        if (destination.Digest is not null)
            throw new UsageException($"push stores the image under a tag: '{destination}' names a digest (the registry computes it)");

        var sourceTag = source.Tag ?? "latest";
        var target = destination with { Tag = destination.Tag ?? sourceTag };
        var store = LayoutDirectory.OpenExisting(source.Directory);
        var repository = context.Registries.Repository(target);
        var root = await context.CreateDisplay().RunAsync(progress => context.Images.PushAsync(store, sourceTag, repository,
            target.Tag, new TransferOptions { Window = context.Globals.Window, Progress = progress }, ct));
        await context.ResultAsync($"pushed {target} {root.Digest}");
        return ExitCodes.Success;
    }
}
