using System.Globalization;
using System.Text.RegularExpressions;

namespace OrleansRegistry.TestSupport.Interop;

/// <summary>
/// One request as CNCF distribution 2.8.2 logs it: gorilla/handlers' Apache combined log format on stdout,
/// <c>HOST - USER [07/Dec/2026:13:56:50 +0000] "GET /v2/a/b/manifests/x?ns=foo HTTP/1.1" 404 91 "REFERER" "AGENT"</c>,
/// written when the handler returns (so a request cut off mid-body is logged with the bytes it got written).
/// <see cref="Target"/> is the request target as sent, query included; <see cref="Path"/> is without the query.
/// </summary>
public sealed partial record AccessLogEntry(string Method, string Target, int Status, long Bytes, string UserAgent, DateTimeOffset Time)
{
    public string Path => Target.Split('?', 2)[0];

    public string Query => Target.Contains('?') ? Target.Split('?', 2)[1] : "";

    /// <summary>The entry a line of the access log holds, or null for any other line.</summary>
    public static AccessLogEntry? TryParse(string line)
    {
        var match = Line().Match(line);
        if (!match.Success) return null;
        return new AccessLogEntry(
            match.Groups["method"].Value,
            match.Groups["target"].Value,
            int.Parse(match.Groups["status"].Value, CultureInfo.InvariantCulture),
            match.Groups["bytes"].Value == "-" ? 0 : long.Parse(match.Groups["bytes"].Value, CultureInfo.InvariantCulture),
            Unquote(match.Groups["agent"].Value),
            ParseTime(match.Groups["time"].Value));
    }

    // "07/Dec/2026:13:56:50 +0000": .NET's zzz wants a colon in the offset.
    private static DateTimeOffset ParseTime(string text) =>
        DateTimeOffset.ParseExact(text.Insert(text.Length - 2, ":"), "dd/MMM/yyyy:HH:mm:ss zzz", CultureInfo.InvariantCulture);

    // gorilla escapes '"' and '\' in the quoted fields with a backslash (and control bytes as \xNN, kept as written).
    private static string Unquote(string quoted) => Regex.Replace(quoted, @"\\([""\\])", "$1");

    [GeneratedRegex("""^\S+ \S+ \S+ \[(?<time>[^\]]+)\] "(?<method>[A-Z]+) (?<target>\S+) HTTP/[0-9.]+" (?<status>\d{3}) (?<bytes>\d+|-) "(?:[^"\\]|\\.)*" "(?<agent>(?:[^"\\]|\\.)*)"$""")]
    private static partial Regex Line();
}
