using OrleansRegistry.Cli.Parsing;
using OrleansRegistry.Client.Images;

namespace OrleansRegistry.Cli.Commands;

/// <summary><c>oreg copy SRC-REF DST-REF</c>: an image from one registry repository to another, streamed through memory.</summary>
internal sealed class CopyCommand : ICommand
{
    public string Name => "copy";

    public string Synopsis => "copy REGISTRY/REPO[:TAG|@DIGEST] REGISTRY/REPO[:TAG]";

    public string Summary => "copy an image between registries or repositories";

    public string Details => """
        Blobs stream from source to destination without touching the disk; within one registry they are linked by
        a cross-repository mount instead where the registry allows it. The destination tag defaults to the source
        tag; an image copied by digest without a destination tag is stored by digest only.
        """;

    public IReadOnlyList<OptionSpec> Options => [];

    public async Task<int> RunAsync(CommandContext context, CancellationToken ct)
    {
        var arguments = context.Positionals(2);
        var source = ImageReference.Parse(arguments[0]);
        var destination = ImageReference.Parse(arguments[1]);
        if (destination.Digest is not null)
            throw new UsageException($"copy stores the image under a tag or its own digest: '{destination}' must not name a digest");

        var tag = destination.Tag ?? source.Tag ?? (source.Digest is null ? "latest" : null);
        var target = destination with { Tag = tag };
        var from = context.Registries.Repository(source);
        var to = context.Registries.Repository(target);
        var root = await context.CreateDisplay().RunAsync(progress => context.Images.CopyAsync(from, source.ManifestReference, to,
            tag, new TransferOptions { Window = context.Globals.Window, Progress = progress }, ct));
        await context.ResultAsync($"copied {source} to {target} {root.Digest}");
        return ExitCodes.Success;
    }
}
