namespace OrleansRegistry.Core;

/// <summary>
/// The Content-Range of an upload PATCH (spec: "Pushing a blob in chunks"): <c>^[0-9]+-[0-9]+$</c>, both ends inclusive.
/// Clients also send RFC 9110 shapes, so "bytes=a-b", "bytes a-b" and "bytes a-b/total" are read too.
/// </summary>
public static class ContentRange
{
    public static bool TryParse(string? header, out long start, out long endInclusive)
    {
        start = endInclusive = 0;
        if (header is null)
            return false;
        var s = header.AsSpan().Trim();
        var hasUnit = false;
        if (s.StartsWith("bytes", StringComparison.OrdinalIgnoreCase) && s.Length > 5 && s[5] is '=' or ' ')
        {
            s = s[6..].TrimStart();
            hasUnit = true;
        }

        long? total = null;
        var slash = s.IndexOf('/');
        if (slash >= 0)
        {
            if (!hasUnit)
                return false; // the spec's bare form has no complete-length
            var completeLength = s[(slash + 1)..];
            if (!completeLength.SequenceEqual("*"))
            {
                if (!TryParseDigits(completeLength, out var parsedTotal))
                    return false;
                total = parsedTotal;
            }
            s = s[..slash];
        }

        var dash = s.IndexOf('-');
        if (dash < 0
            || !TryParseDigits(s[..dash], out var first)
            || !TryParseDigits(s[(dash + 1)..], out var last)
            || first > last
            || total is { } t && last >= t)
            return false;
        start = first;
        endInclusive = last;
        return true;
    }

    // Digits only: no sign, no spaces, no overflow.
    private static bool TryParseDigits(ReadOnlySpan<char> digits, out long value) =>
        DecimalDigits.TryParse(digits, saturate: false, out value);
}
