namespace OrleansRegistry.Server.Tests.Docs;

/// <summary>Configuration keys in one comparable form: list indices as <see cref="Index"/>, no trailing index.</summary>
public static class SettingKeys
{
    /// <summary>Stands for any list index or dictionary key in a path.</summary>
    public const string Index = "#";

    public static string Normalize(IEnumerable<string> segments)
    {
        var normalized = segments
            .Select(s => s.All(char.IsAsciiDigit) || s == "N" || (s.StartsWith('<') && s.EndsWith('>')) ? Index : s)
            .ToList();
        while (normalized.Count > 0 && normalized[^1] == Index) normalized.RemoveAt(normalized.Count - 1);
        return string.Join(':', normalized);
    }

    /// <summary>Whether <paramref name="documented"/> names <paramref name="key"/>, itself or as <c>Section:*</c>.</summary>
    public static bool Covers(string documented, string key) =>
        documented.Equals(key, StringComparison.OrdinalIgnoreCase)
        || (documented.EndsWith(":*", StringComparison.Ordinal)
            && key.StartsWith(documented[..^1], StringComparison.OrdinalIgnoreCase));
}
