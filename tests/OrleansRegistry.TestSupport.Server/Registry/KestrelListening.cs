using System.Text.RegularExpressions;

namespace OrleansRegistry.TestSupport.Registry;

/// <summary>
/// The registry's HTTP port bound with <c>--urls http://127.0.0.1:0</c> is known from Kestrel's own log line,
/// "Now listening on: http://127.0.0.1:NNNNN" (Microsoft.Hosting.Lifetime, Information, in appsettings.json).
/// </summary>
public static partial class KestrelListening
{
    /// <summary>The environment setting that keeps the line logged whatever else a test configures.</summary>
    public static KeyValuePair<string, string> LogSetting => new("Logging__LogLevel__Microsoft.Hosting.Lifetime", "Information");

    /// <summary>The base address (<c>http://127.0.0.1:NNNNN/</c>) when <paramref name="line"/> is that log line.</summary>
    public static Uri? Parse(string line) =>
        Line().Match(line) is { Success: true } match ? new Uri(match.Groups[1].Value + "/") : null;

    /// <summary>The same for an HTTPS address (<c>https://127.0.0.1:NNNNN/</c>, <c>Registry:Tls</c>).</summary>
    public static Uri? ParseHttps(string line) =>
        HttpsLine().Match(line) is { Success: true } match ? new Uri(match.Groups[1].Value + "/") : null;

    [GeneratedRegex(@"Now listening on: (http://127\.0\.0\.1:\d+)")]
    private static partial Regex Line();

    [GeneratedRegex(@"Now listening on: (https://127\.0\.0\.1:\d+)")]
    private static partial Regex HttpsLine();
}
