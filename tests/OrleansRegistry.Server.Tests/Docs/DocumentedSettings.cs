using System.Text.RegularExpressions;

namespace OrleansRegistry.Server.Tests.Docs;

/// <summary>
/// The settings a markdown file's tables name: the backticked keys of each row's first two cells (setting and env),
/// env names (<c>__</c>) read as keys (<c>:</c>). A key starting with <c>…:</c> or <c>:</c> replaces the last segment
/// of the last full key before it (<c>`Registry:Auth:Token:SigningKey`, `…:SigningCertificate`</c>); a key ending in
/// <c>…</c> names no setting. List indices (<c>0</c>, <c>N</c>, <c>&lt;group&gt;</c>) become <see cref="SettingKeys.Index"/>,
/// and a trailing one is dropped (an array of values is one setting).
/// </summary>
public static partial class DocumentedSettings
{
    public static IReadOnlySet<string> Read(string markdownPath)
    {
        var keys = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        string[]? lastFull = null;
        foreach (var line in File.ReadLines(markdownPath))
        {
            if (!line.StartsWith('|') || line.StartsWith("|---", StringComparison.Ordinal)) continue;
            var cells = line.Split('|');
            if (cells.Length < 4) continue;
            foreach (var cell in cells[1..3])
            {
                foreach (Match code in Backticked().Matches(cell))
                {
                    var token = code.Groups[1].Value.Replace("__", ":", StringComparison.Ordinal);
                    if (token.EndsWith('…')) continue;
                    string[] segments;
                    if (token.StartsWith("…:", StringComparison.Ordinal) || token.StartsWith(':'))
                    {
                        if (lastFull is null) continue;
                        segments = [.. lastFull[..^1], .. token.TrimStart('…').TrimStart(':').Split(':')];
                    }
                    else if (token.StartsWith("Registry:", StringComparison.Ordinal) || token.StartsWith("ConnectionStrings:", StringComparison.Ordinal))
                    {
                        segments = token.Split(':');
                        lastFull = segments;
                    }
                    else continue;
                    keys.Add(SettingKeys.Normalize(segments));
                }
            }
        }
        return keys;
    }

    [GeneratedRegex("`([^`]+)`")]
    private static partial Regex Backticked();
}
