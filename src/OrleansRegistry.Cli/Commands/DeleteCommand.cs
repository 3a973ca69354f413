using OrleansRegistry.Cli.Parsing;

namespace OrleansRegistry.Cli.Commands;

/// <summary><c>oreg delete REF</c>: a manifest by tag or digest (never a default tag: deleting needs to be asked for by name).</summary>
internal sealed class DeleteCommand : ICommand
{
    public string Name => "delete";

    public string Synopsis => "delete REGISTRY/REPO:TAG|REGISTRY/REPO@DIGEST";

    public string Summary => "delete a manifest by tag or digest";

    public string Details => """
        By digest the manifest goes (with every tag pointing to it); by tag, where the registry supports it, the tag
        goes. A tag or digest must be given: there is no default.
        """;

    public IReadOnlyList<OptionSpec> Options => [];

    public async Task<int> RunAsync(CommandContext context, CancellationToken ct)
    {
        var reference = ImageReference.Parse(context.Positionals(1)[0]);
        var target = reference.GivenReference
            ?? throw new UsageException($"delete needs a tag or digest: '{reference}' names neither");
        await context.Registries.Repository(reference).Manifests.DeleteAsync(target, ct);
        await context.ResultAsync($"deleted {reference}");
        return ExitCodes.Success;
    }
}
