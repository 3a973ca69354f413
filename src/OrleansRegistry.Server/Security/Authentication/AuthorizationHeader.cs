using System.Buffers;
using System.Text.Unicode;

namespace OrleansRegistry.Server.Security.Authentication;

/// <summary>What an <c>Authorization</c> header holds, as far as the Registry scheme is concerned.</summary>
public enum AuthorizationKind
{
    /// <summary>No header (or an empty one): anonymous.</summary>
    None,
    /// <summary>RFC 7617 Basic credentials: <see cref="AuthorizationHeader.User"/> and <see cref="AuthorizationHeader.Password"/>.</summary>
    Basic,
    /// <summary>RFC 6750 bearer token: <see cref="AuthorizationHeader.Token"/>.</summary>
    Bearer,
    /// <summary>Basic or Bearer whose credentials cannot be read (bad base64 or padding, not UTF-8, no colon, control characters…).</summary>
    Malformed,
    /// <summary>Another scheme (Digest, Negotiate…).</summary>
    Unsupported,
}

/// <summary>
/// The <c>Authorization</c> request header (RFC 9110 section 11.6.2: <c>auth-scheme [ 1*SP token68 ]</c>, the scheme
/// case-insensitive). <c>Basic</c>: base64 with its padding of <c>user ':' password</c> (RFC 7617 section 2: the user
/// holds no colon, the password may; neither holds control characters; the octets must be UTF-8, as distribution and
/// htpasswd compare them). <c>Bearer</c>: one token68 (RFC 6750 section 2.1), a slice of the header so that the
/// cached-token lookup allocates nothing. Total: every other value is <see cref="AuthorizationKind.Malformed"/> or
/// <see cref="AuthorizationKind.Unsupported"/>; it never throws.
/// </summary>
public readonly record struct AuthorizationHeader(AuthorizationKind Kind, string? User = null, string? Password = null, ReadOnlyMemory<char> Token = default)
{
    private const string BasicScheme = "Basic";
    private const string BearerScheme = "Bearer";

    public static AuthorizationHeader Parse(string? header)
    {
        if (string.IsNullOrEmpty(header)) return new(AuthorizationKind.None);
        var space = header.IndexOf(' ');
        var scheme = space < 0 ? header.AsSpan() : header.AsSpan(0, space);
        var isBasic = scheme.Equals(BasicScheme, StringComparison.OrdinalIgnoreCase);
        if (!isBasic && !scheme.Equals(BearerScheme, StringComparison.OrdinalIgnoreCase)) return new(AuthorizationKind.Unsupported);
        if (space < 0) return new(AuthorizationKind.Malformed);
        var start = space + 1;
        while (start < header.Length && header[start] == ' ') start++;
        var end = header.Length;
        while (end > start && header[end - 1] == ' ') end--;
        var credentials = header.AsMemory(start, end - start);
        if (!IsToken68(credentials.Span)) return new(AuthorizationKind.Malformed);
        return isBasic ? Basic(credentials.Span) : new(AuthorizationKind.Bearer, Token: credentials);
    }

    private static AuthorizationHeader Basic(ReadOnlySpan<char> encoded)
    {
        var bytes = new byte[encoded.Length / 4 * 3];
        if (encoded.Length % 4 != 0 || !Convert.TryFromBase64Chars(encoded, bytes, out var length)) return new(AuthorizationKind.Malformed);
        var octets = bytes.AsSpan(0, length);
        if (!Utf8.IsValid(octets)) return new(AuthorizationKind.Malformed);
        var pair = System.Text.Encoding.UTF8.GetString(octets);
        var colon = pair.IndexOf(':');
        if (colon <= 0 || pair.AsSpan().ContainsAnyInRange('\0', '\u001F') || pair.Contains('\u007F')) return new(AuthorizationKind.Malformed);
        return new(AuthorizationKind.Basic, pair[..colon], pair[(colon + 1)..]);
    }

    // token68 := 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="; vectorised: every request with a token runs it.
    private static readonly SearchValues<char> Token68 =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~+/");

    private static bool IsToken68(ReadOnlySpan<char> text)
    {
        var body = text.TrimEnd('=');
        return body.Length > 0 && !body.ContainsAnyExcept(Token68);
    }
}
