using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace OrleansRegistry.Cli.Parsing;

/// <summary>The options every command takes, wherever they stand on the command line.</summary>
/// <remarks>
/// <see cref="Username"/> and <see cref="Password"/> come from <c>--username</c>/<c>--password</c>, else from the
/// <c>OREG_USERNAME</c>/<c>OREG_PASSWORD</c> environment variables (which keep a password out of the process list),
/// and go to every registry of the run. <see cref="CaCertificates"/> are the PEM certificates of <c>--ca-file</c>, else
/// of <c>OREG_CA_FILE</c>, trusted as roots besides the system store for every https registry; <see cref="Insecure"/>
/// skips certificate verification. <see cref="TlsForLoopback"/>: <c>--ca-file</c> or <c>--insecure</c> given on the
/// command line make localhost and loopback registries talk https too (<c>OREG_CA_FILE</c> alone does not, so a CA
/// exported for a remote registry leaves a local plain-http one working).
/// </remarks>
internal sealed record GlobalOptions(int Window, bool PlainHttp, bool Quiet, string? Username = null, string? Password = null)
{
    public const int DefaultWindow = 3;

    public static readonly OptionSpec WindowOption = new("window", "N",
        $"layers transferred at once: layer i waits until layer i-N is done (default {DefaultWindow})");
    public static readonly OptionSpec PlainHttpOption = new("plain-http", null,
        "talk http instead of https to every registry (the default for localhost and loopback without --ca-file/--insecure)");
    public static readonly OptionSpec CaFileOption = new("ca-file", "FILE",
        "trust the PEM certificate(s) in FILE as roots for https, besides the system store; default $OREG_CA_FILE");
    public static readonly OptionSpec InsecureOption = new("insecure", null,
        "skip TLS certificate verification (host name included): only for testing");
    public static readonly OptionSpec UsernameOption = new("username", "USER",
        "user for registries that authenticate (Basic or token); default $OREG_USERNAME, else what 'oreg login' stored");
    public static readonly OptionSpec PasswordOption = new("password", "PASSWORD",
        "password or access token for --username; default $OREG_PASSWORD (preferred: not visible in the process list)");
    public static readonly OptionSpec TrustRealmOption = new("trust-realm", "HOSTS",
        "also send credentials to these token realm hosts (comma-separated) besides each registry's own; default $OREG_TRUSTED_REALMS");
    public static readonly OptionSpec QuietOption = new("quiet", null, "print only the final result line", 'q');
    public static readonly OptionSpec HelpOption = new("help", null, "show help (after a command: that command's help)", 'h');

    public static IReadOnlyList<OptionSpec> All { get; } =
        [WindowOption, PlainHttpOption, CaFileOption, InsecureOption, UsernameOption, PasswordOption, TrustRealmOption, QuietOption, HelpOption];

    public const string UsernameVariable = "OREG_USERNAME";
    public const string PasswordVariable = "OREG_PASSWORD";
    public const string CaFileVariable = "OREG_CA_FILE";
    public const string TrustedRealmsVariable = "OREG_TRUSTED_REALMS";

    /// <summary>The file <see cref="CaCertificates"/> came from (null: the system store alone).</summary>
    public string? CaFile { get; init; }

    /// <summary>Extra trusted roots for https registries (null: none).</summary>
    public X509Certificate2Collection? CaCertificates { get; init; }

    /// <summary>No certificate verification at all.</summary>
    public bool Insecure { get; init; }

    /// <summary>Whether localhost and loopback registries talk https (else, as by default, plain http).</summary>
    public bool TlsForLoopback { get; init; }

    /// <summary>Token realm hosts trusted with the credentials besides each registry's own (<c>--trust-realm</c>).</summary>
    public IReadOnlyList<string> TrustedRealmHosts { get; init; } = [];

    public static GlobalOptions From(IReadOnlyDictionary<string, string?> options, Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        var window = DefaultWindow;
        if (options.TryGetValue(WindowOption.Name, out var text)
            && (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out window) || window < 1))
            throw new UsageException($"--window takes a whole number of at least 1, not '{text}'");
        var username = options.GetValueOrDefault(UsernameOption.Name) ?? NonEmpty(environment(UsernameVariable));
        var password = options.GetValueOrDefault(PasswordOption.Name) ?? NonEmpty(environment(PasswordVariable));
        if (password is not null && username is null)
            throw new UsageException($"a password needs a user: give --username or set {UsernameVariable}");

        var plainHttp = options.ContainsKey(PlainHttpOption.Name);
        var insecure = options.ContainsKey(InsecureOption.Name);
        var caOption = options.GetValueOrDefault(CaFileOption.Name);
        if (plainHttp && (insecure || options.ContainsKey(CaFileOption.Name)))
            throw new UsageException($"--plain-http uses no TLS: it cannot be combined with --{(insecure ? InsecureOption.Name : CaFileOption.Name)}");
        if (caOption == "")
            throw new UsageException("--ca-file needs a file name");
        // With --plain-http no certificate is ever checked: a CA file from the environment is not even read.
        var caFile = caOption ?? (plainHttp ? null : NonEmpty(environment(CaFileVariable)));
        return new GlobalOptions(window, plainHttp, options.ContainsKey(QuietOption.Name), username, password)
        {
            CaFile = caFile,
            CaCertificates = caFile is null ? null : LoadCertificates(caFile, caOption is null ? CaFileVariable : "--ca-file"),
            Insecure = insecure,
            TlsForLoopback = insecure || caOption is not null,
            TrustedRealmHosts = (options.GetValueOrDefault(TrustRealmOption.Name) ?? environment(TrustedRealmsVariable) ?? "")
                .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
        };
    }

    /// <summary>Every certificate in the PEM file; a file that cannot be read or holds none is a usage error.</summary>
    private static X509Certificate2Collection LoadCertificates(string path, string source)
    {
        var certificates = new X509Certificate2Collection();
        try
        {
            certificates.ImportFromPemFile(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
        {
            throw new UsageException($"{source} '{path}': cannot read CA certificates: {e.Message}");
        }
        if (certificates.Count == 0)
            throw new UsageException($"{source} '{path}' holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
        return certificates;
    }

    private static string? NonEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    /// <summary>Never prints the password.</summary>
    public override string ToString() =>
        $"GlobalOptions {{ Window = {Window}, PlainHttp = {PlainHttp}, Quiet = {Quiet}, Username = {Username}, " +
        $"Password = {(Password is null ? "" : "***")}, CaFile = {CaFile}, Insecure = {Insecure}, TlsForLoopback = {TlsForLoopback}, " +
        $"TrustedRealmHosts = [{string.Join(",", TrustedRealmHosts)}] }}";
}
