namespace OrleansRegistry.Core.Schema1;

/// <summary>
/// base64url without padding (RFC 7515 section 2, "Base64url Encoding"), as libtrust's joseBase64UrlEncode writes it.
/// Decoding also takes padded input, as libtrust's joseBase64UrlDecode does, so whatever libtrust accepts we accept.
/// </summary>
internal static class JoseBase64Url
{
    public static string Encode(ReadOnlySpan<byte> data) =>
        Convert.ToBase64String(data).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static bool TryDecode(string? text, out byte[] data)
    {
        data = [];
        if (text is null) return false;
        var trimmed = text.TrimEnd('=');
        // Standard base64 characters would decode too after the swap below; refusing them keeps one spelling per value.
        foreach (var c in trimmed)
        {
            if (c is not ((>= 'A' and <= 'Z') or (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '_'))
                return false;
        }
        if (trimmed.Length % 4 == 1) return false;
        var standard = trimmed.Replace('-', '+').Replace('_', '/');
        standard += (standard.Length % 4) switch { 2 => "==", 3 => "=", _ => "" };
        try
        {
            data = Convert.FromBase64String(standard);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
