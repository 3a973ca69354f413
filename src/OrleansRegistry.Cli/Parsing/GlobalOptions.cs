using System.Globalization;

namespace OrleansRegistry.Cli.Parsing;

/// <summary>The options every command takes, wherever they stand on the command line.</summary>
/// <remarks>
/// <see cref="Username"/> and <see cref="Password"/> come from <c>--username</c>/<c>--password</c>, else from the
/// <c>OREG_USERNAME</c>/<c>OREG_PASSWORD</c> environment variables (which keep a password out of the process list),
/// and go to every registry of the run.
/// </remarks>
internal sealed record GlobalOptions(int Window, bool PlainHttp, bool Quiet, string? Username = null, string? Password = null)
{
    public const int DefaultWindow = 3;

    public static readonly OptionSpec WindowOption = new("window", "N",
        $"layers transferred at once: layer i waits until layer i-N is done (default {DefaultWindow})");
    public static readonly OptionSpec PlainHttpOption = new("plain-http", null,
        "talk http instead of https to every registry (implied for localhost and loopback addresses)");
    public static readonly OptionSpec UsernameOption = new("username", "USER",
        "user for registries that authenticate (Basic or token); default $OREG_USERNAME, else anonymous");
    public static readonly OptionSpec PasswordOption = new("password", "PASSWORD",
        "password or access token for --username; default $OREG_PASSWORD (preferred: not visible in the process list)");
    public static readonly OptionSpec QuietOption = new("quiet", null, "print only the final result line", 'q');
    public static readonly OptionSpec HelpOption = new("help", null, "show help (after a command: that command's help)", 'h');

    public static IReadOnlyList<OptionSpec> All { get; } = [WindowOption, PlainHttpOption, UsernameOption, PasswordOption, QuietOption, HelpOption];

    public const string UsernameVariable = "OREG_USERNAME";
    public const string PasswordVariable = "OREG_PASSWORD";

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
        return new GlobalOptions(window, options.ContainsKey(PlainHttpOption.Name), options.ContainsKey(QuietOption.Name),
            username, password);
    }

    private static string? NonEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    /// <summary>Never prints the password.</summary>
    public override string ToString() =>
        $"GlobalOptions {{ Window = {Window}, PlainHttp = {PlainHttp}, Quiet = {Quiet}, Username = {Username}, Password = {(Password is null ? "" : "***")} }}";
}
