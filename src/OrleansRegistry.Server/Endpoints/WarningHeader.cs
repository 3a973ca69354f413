using System.Text;

namespace OrleansRegistry.Server.Endpoints;

/// <summary>
/// The spec's warnings: <c>Warning: 299 - "text"</c> (code 299, agent "-", a quoted string as RFC 9111 section 5.5
/// wrote it), with the text reduced to what a header value may carry.
/// </summary>
public static class WarningHeader
{
    private const int MaxLength = 1024;

    public static string Format(string text)
    {
        var quoted = new StringBuilder("299 - \"", text.Length + 10);
        foreach (var c in text.Length > MaxLength ? text[..MaxLength] : text)
        {
            if (c is '"' or '\\') quoted.Append('\\');
            quoted.Append(c is >= ' ' and <= '~' ? c : '?');
        }
        return quoted.Append('"').ToString();
    }
}
