using OrleansRegistry.Cli.Parsing;

namespace OrleansRegistry.Cli.Commands;

/// <summary><c>oreg catalog REGISTRY</c>: every repository, one a line, following the registry's pages.</summary>
internal sealed class CatalogCommand : ICommand
{
    public string Name => "catalog";

    public string Synopsis => "catalog REGISTRY";

    public string Summary => "list a registry's repositories";

    public string Details => "REGISTRY is HOST[:PORT]. Prints every repository, one a line (all pages of GET /v2/_catalog).";

    public IReadOnlyList<OptionSpec> Options => [];

    public async Task<int> RunAsync(CommandContext context, CancellationToken ct)
    {
        var host = ImageReference.ParseRegistry(context.Positionals(1)[0]);
        await foreach (var repository in context.Registries.Connect(host).ListRepositoriesAsync(ct: ct))
            await context.ResultAsync(repository);
        return ExitCodes.Success;
    }
}
