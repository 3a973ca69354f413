using OrleansRegistry.Cli.Parsing;

namespace OrleansRegistry.Cli.Commands;

/// <summary><c>oreg tags REGISTRY/REPO</c>: every tag, one a line, following the registry's pages.</summary>
internal sealed class TagsCommand : ICommand
{
    public string Name => "tags";

    public string Synopsis => "tags REGISTRY/REPO";

    public string Summary => "list a repository's tags";

    public string Details => "Prints every tag, one a line, in the registry's order (all pages).";

    public IReadOnlyList<OptionSpec> Options => [];

    public async Task<int> RunAsync(CommandContext context, CancellationToken ct)
    {
        var reference = ImageReference.Parse(context.Positionals(1)[0]);
        if (reference.GivenReference is not null)
            throw new UsageException($"tags takes a repository without tag or digest, not '{reference}'");
        await foreach (var tag in context.Registries.Repository(reference).ListTagsAsync(ct: ct))
            await context.ResultAsync(tag);
        return ExitCodes.Success;
    }
}
