using System.Globalization;

namespace OrleansRegistry.Cli.Parsing;

/// <summary>The options every command takes, wherever they stand on the command line.</summary>
internal sealed record GlobalOptions(int Window, bool PlainHttp, bool Quiet)
{
    public const int DefaultWindow = 3;

    public static readonly OptionSpec WindowOption = new("window", "N",
        $"layers transferred at once: layer i waits until layer i-N is done (default {DefaultWindow})");
    public static readonly OptionSpec PlainHttpOption = new("plain-http", null,
        "talk http instead of https to every registry (implied for localhost and loopback addresses)");
    public static readonly OptionSpec QuietOption = new("quiet", null, "print only the final result line", 'q');
    public static readonly OptionSpec HelpOption = new("help", null, "show help (after a command: that command's help)", 'h');

    public static IReadOnlyList<OptionSpec> All { get; } = [WindowOption, PlainHttpOption, QuietOption, HelpOption];

    public static GlobalOptions From(IReadOnlyDictionary<string, string?> options)
    {
        var window = DefaultWindow;
        if (options.TryGetValue(WindowOption.Name, out var text)
            && (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out window) || window < 1))
            throw new UsageException($"--window takes a whole number of at least 1, not '{text}'");
        return new GlobalOptions(window, options.ContainsKey(PlainHttpOption.Name), options.ContainsKey(QuietOption.Name));
    }
}
