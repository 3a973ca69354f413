using System.Text;
using OrleansRegistry.Cli.Output;
using OrleansRegistry.Cli.Parsing;

namespace OrleansRegistry.Cli.Commands;

/// <summary><c>oreg manifest REF [--raw]</c>: a manifest as indented JSON, or byte for byte as the registry serves it.</summary>
internal sealed class ManifestCommand : ICommand
{
    public static readonly OptionSpec RawOption = new("raw", null, "print the manifest's exact bytes (what its digest covers)");

    public string Name => "manifest";

    public string Synopsis => "manifest REGISTRY/REPO[:TAG|@DIGEST] [--raw]";

    public string Summary => "print a manifest (indented JSON; --raw: exact bytes)";

    public string Details => """
        The reference defaults to the tag latest. The manifest is verified against its digest before it is shown.
        Without --raw it is re-indented for reading, which changes its bytes; --raw prints exactly what was served.
        """;

    public IReadOnlyList<OptionSpec> Options => [RawOption];

    public async Task<int> RunAsync(CommandContext context, CancellationToken ct)
    {
        var reference = ImageReference.Parse(context.Positionals(1)[0]);
        var manifest = await context.Registries.Repository(reference).Manifests.GetAsync(reference.ManifestReference, ct: ct);
        if (context.Arguments.Has(RawOption))
        {
            await context.Console.WriteRawAsync(manifest.Content, ct);
            return ExitCodes.Success;
        }
        var text = ManifestJson.TryPretty(manifest.Content) ?? Encoding.UTF8.GetString(manifest.Content);
        await context.ResultAsync(text);
        return ExitCodes.Success;
    }
}
