using OrleansRegistry.Cli.Parsing;
using OrleansRegistry.Client.Credentials;

namespace OrleansRegistry.Cli.Commands;

/// <summary><c>oreg logout REGISTRY</c>: removes what <c>login</c> stored for the registry, and nothing else.</summary>
internal sealed class LogoutCommand : ICommand
{
    public string Name => "logout";

    public string Synopsis => "logout REGISTRY";

    public string Summary => "remove a registry's stored credentials";

    public string Details => """
        REGISTRY is HOST[:PORT] (https://HOST/ is accepted too). Removes its entry from the "auths" of config.json
        (entries for the same host written with a scheme or path, or with the default port, too), or erases it
        through the credential helper that holds it; every other key of config.json stays as it was. Not being
        logged in is not an error.
        """;

    public IReadOnlyList<OptionSpec> Options => [];

    public async Task<int> RunAsync(CommandContext context, CancellationToken ct)
    {
        var host = RegistryHost.Parse(context.Positionals(1)[0]);
        var erased = await context.Credentials.EraseAsync(context.Registries.BaseAddress(host), ct);
        await context.ResultAsync(erased ? $"logged out of {host}" : $"not logged in to {host}");
        return ExitCodes.Success;
    }
}
