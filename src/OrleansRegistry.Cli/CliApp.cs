using System.Security.Cryptography;
using OrleansRegistry.Cli.Commands;
using OrleansRegistry.Cli.Hosting;
using OrleansRegistry.Cli.Parsing;
using OrleansRegistry.Client.Credentials;
using OrleansRegistry.Client.Errors;
using OrleansRegistry.Core;

namespace OrleansRegistry.Cli;

/// <summary>
/// The whole of <c>oreg</c> behind one call, so tests run it in-process exactly as the executable does: parse, run the
/// command, and turn every failure into a message on stderr and an exit code (<see cref="ExitCodes"/>).
/// </summary>
public static class CliApp
{
    internal static IReadOnlyList<ICommand> Commands { get; } =
    [
        new PushCommand(), new PullCommand(), new CopyCommand(), new TagsCommand(), new CatalogCommand(),
        new ManifestCommand(), new DeleteCommand(), new SignCommand(), new VerifyCommand(),
        new LoginCommand(), new LogoutCommand(), new VersionCommand(),
    ];

    /// <summary>Runs with text and raw bytes going to <paramref name="stdout"/> (never treated as a terminal).</summary>
    public static Task<int> RunAsync(IReadOnlyList<string> args, Stream stdout, TextWriter stderr, CancellationToken ct) =>
        RunAsync(args, CliConsole.ForStreams(stdout, stderr), environment: null, ct);

    /// <summary>
    /// <paramref name="environment"/> stands for the process's variables (<c>OREG_*</c>, <c>DOCKER_CONFIG</c>,
    /// <c>HOME</c>, <c>PATH</c> for credential helpers), so tests give each run its own; null: the process's own.
    /// </summary>
    public static async Task<int> RunAsync(IReadOnlyList<string> args, CliConsole console, Func<string, string?>? environment,
        CancellationToken ct)
    {
        environment ??= Environment.GetEnvironmentVariable;
        ICommand? command = null;
        RegistryConnector? connector = null;
        try
        {
            var parsed = ArgumentParser.Parse(args, Commands);
            command = parsed.Command;
            if (parsed.Has(GlobalOptions.HelpOption))
            {
                await console.Out.WriteAsync(command is null ? HelpText.General(Commands) : HelpText.For(command));
                return ExitCodes.Success;
            }
            if (command is null)
            {
                await console.Error.WriteAsync(HelpText.General(Commands));
                return ExitCodes.Usage;
            }
            var globals = GlobalOptions.From(parsed.Options, environment);
            if (globals.Insecure && !globals.Quiet)
                await console.Error.WriteLineAsync(InsecureWarning);
            var credentials = DockerCredentials.FromEnvironment(environment);
            using var registries = connector = new RegistryConnector(globals.PlainHttp, globals.Username, globals.Password,
                globals.CaCertificates, globals.Insecure, globals.TlsForLoopback, credentials, globals.TrustedRealmHosts);
            return await command.RunAsync(new CommandContext(command, parsed, globals, console, registries, credentials), ct);
        }
        catch (UsageException e)
        {
            await console.Error.WriteLineAsync($"error: {e.Message}");
            await console.Error.WriteLineAsync($"Run 'oreg {(command is null ? "" : command.Name + " ")}--help' for usage.");
            return ExitCodes.Usage;
        }
        catch (Exception e) when (Unwrap(e) is OperationCanceledException && ct.IsCancellationRequested)
        {
            await console.Error.WriteLineAsync("cancelled");
            return ExitCodes.Cancelled;
        }
        catch (Exception e)
        {
            await console.Error.WriteLineAsync($"error: {Describe(Unwrap(e))}{CertificateHint(Unwrap(e), connector)}{PlainHttpHint(Unwrap(e))}");
            return ExitCodes.Failure;
        }
    }

    /// <summary>
    /// A 400 to plain http is what a TLS-only server answers (Go's says so in a body a HEAD never shows), and loopback
    /// registries get plain http by default: say how to ask for https.
    /// </summary>
    private static string PlainHttpHint(Exception e) =>
        e is UnexpectedStatusException { StatusCode: System.Net.HttpStatusCode.BadRequest, RequestUri.Scheme: "http" }
            ? "; if the registry serves only https, give --ca-file FILE (the PEM of its CA) or --insecure, which make a loopback registry https too"
            : "";

    internal const string InsecureWarning =
        "warning: --insecure: TLS certificates are not verified, anyone on the network path can read and alter the traffic";

    /// <summary>
    /// For a refused TLS certificate: why (when <c>--ca-file</c> refused it, the message of .NET only says the
    /// callback did) and what to do about it.
    /// </summary>
    private static string CertificateHint(Exception e, RegistryConnector? connector)
    {
        for (var inner = e; inner is not null; inner = inner.InnerException)
        {
            if (inner is not System.Security.Authentication.AuthenticationException
                || !inner.Message.Contains("certificate", StringComparison.OrdinalIgnoreCase))
                continue;
            if (connector?.CertificateRejection is { } why)
                return $"; {why}";
            return inner.Message.Contains(nameof(System.Net.Security.SslPolicyErrors.RemoteCertificateNameMismatch), StringComparison.Ordinal)
                ? "; the certificate is issued for another host name: use a name it names, or --insecure to skip verification"
                : $"; if the registry's certificate comes from a private CA, give --ca-file FILE (or {GlobalOptions.CaFileVariable}) with its PEM certificate, or --insecure to skip verification";
        }
        return "";
    }

    /// <summary>The message for a failure: registry errors lead with their spec code (<c>MANIFEST_UNKNOWN: ...</c>).</summary>
    internal static string Describe(Exception e) => e switch
    {
        RegistryException registry => $"{registry.Descriptor.Code}: {registry.Message}",
        RegistryTransportException transport => $"connection failed: {transport.Message}{Cause(transport)}",
        RegistryClientException client => client.Message,
        CliFailureException failure => failure.Message,
        CredentialStoreException store => $"credentials: {store.Message}",
        OperationCanceledException => "a request timed out",
        IOException or UnauthorizedAccessException or CryptographicException or InvalidDataException or HttpRequestException => e.Message,
        _ => $"{e.GetType().Name}: {e.Message}", // a bug: say what kind, so a report can name it
    };

    /// <summary>The innermost cause ("Connection refused", "Broken pipe"), which says most about a transport failure.</summary>
    private static string Cause(Exception e)
    {
        var inner = e.InnerException;
        while (inner?.InnerException is { } deeper)
            inner = deeper;
        return inner is not null && !e.Message.Contains(inner.Message, StringComparison.Ordinal) ? $" ({inner.Message})" : "";
    }

    private static Exception Unwrap(Exception e) =>
        e is AggregateException { InnerExceptions.Count: 1 } aggregate ? Unwrap(aggregate.InnerExceptions[0]) : e;
}
