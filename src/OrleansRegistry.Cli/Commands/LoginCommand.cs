using OrleansRegistry.Cli.Parsing;
using OrleansRegistry.Client.Credentials;
using OrleansRegistry.Core;

namespace OrleansRegistry.Cli.Commands;

/// <summary>
/// <c>oreg login REGISTRY</c>: checks the credentials against the registry (<c>GET /v2/</c>, answering its Basic or
/// token challenge) and only then stores them where docker does, so that later commands need no <c>--username</c>.
/// </summary>
internal sealed class LoginCommand : ICommand
{
    public static readonly OptionSpec PasswordStdinOption = new("password-stdin", null,
        "read the password from stdin (all of it, without the trailing newline)");

    public string Name => "login";

    public string Synopsis => "login REGISTRY";

    public string Summary => "check credentials with a registry and store them for later commands";

    public string Details => """
        REGISTRY is HOST[:PORT] (https://HOST/ is accepted too). The user comes from --username (or OREG_USERNAME),
        the password from --password-stdin, --password or OREG_PASSWORD; on a terminal oreg asks for what is
        missing. The registry must accept them (GET /v2/ with its Basic or token challenge answered) before
        anything is stored: a refused login exits 1 and stores nothing. They go where docker, podman and skopeo
        read them: $DOCKER_CONFIG/config.json, else ~/.docker/config.json, under "auths" (base64 of user:password;
        the file is written atomically with mode 0600 and its other keys kept), or through the credential helper
        docker-credential-NAME that "credHelpers" names for this registry or "credsStore" names for all. When the
        token endpoint hands out a refresh token, that is stored ("identitytoken") instead of the password. Every
        command then uses the stored credentials for REGISTRY when --username is not given. The key is the address
        as commands reach it: a default port (HOST:80 over HTTP, HOST:443 over HTTPS) is left out, and entries that
        docker or podman stored with that port written out are read too.
        """;

    public IReadOnlyList<OptionSpec> Options => [PasswordStdinOption];

    public async Task<int> RunAsync(CommandContext context, CancellationToken ct)
    {
        var host = RegistryHost.Parse(context.Positionals(1)[0]);
        var console = context.Console;
        var username = context.Globals.Username
            ?? (console.InIsTerminal ? await PromptAsync(console, "Username: ") : null)
            ?? throw new UsageException($"login needs a user: give --username USER (or set {GlobalOptions.UsernameVariable})");
        var password = await PasswordAsync(context);

        RegistryCredential verified;
        bool checkedByRegistry;
        try
        {
            var login = await context.Registries.Connect(host, new RegistryCredential(username, password)).LoginAsync(ct);
            (verified, checkedByRegistry) = (login.Credential, login.Checked);
        }
        catch (RegistryException e) when (e.Descriptor.Code == ErrorCatalog.Unauthorized.Code)
        {
            throw new CliFailureException($"login to {host} refused: {CliApp.Describe(e)}; nothing was stored");
        }

        // The key later commands look up: the address they reach, so `login localhost:80` serves `push localhost/...`.
        var key = RegistryKey.For(context.Registries.BaseAddress(host));
        var store = await context.Credentials.StoreForAsync(key, ct);
        await store.StoreAsync(key, verified, ct);
        if (!checkedByRegistry)
            await console.Error.WriteLineAsync($"warning: {host} asked for no credentials, so they were stored without being checked");
        await context.ResultAsync($"logged in to {host} as {username} (credentials in {store.Location})");
        return ExitCodes.Success;
    }

    private static async Task<string> PasswordAsync(CommandContext context)
    {
        var console = context.Console;
        if (context.Arguments.Has(PasswordStdinOption))
        {
            if (context.Arguments.Has(GlobalOptions.PasswordOption))
                throw new UsageException("--password and --password-stdin exclude each other");
            // All of stdin, as docker reads it: a password may hold spaces; only the line end is not part of it.
            var text = (await console.In.ReadToEndAsync()).TrimEnd('\n', '\r');
            return text.Length > 0 ? text : throw new UsageException("--password-stdin: stdin held no password");
        }
        if (context.Arguments.Has(GlobalOptions.PasswordOption))
            await console.Error.WriteLineAsync(
                "warning: --password on the command line is visible to other users of this machine; prefer --password-stdin");
        if (context.Globals.Password is { } given)
            return given;
        if (console.InIsTerminal)
            return await console.ReadSecretAsync("Password: ");
        throw new UsageException($"login needs a password: give --password-stdin (or --password, or set {GlobalOptions.PasswordVariable})");
    }

    private static async Task<string?> PromptAsync(Hosting.CliConsole console, string prompt)
    {
        await console.Error.WriteAsync(prompt);
        var line = (await console.In.ReadLineAsync())?.Trim();
        return string.IsNullOrEmpty(line) ? null : line;
    }
}
