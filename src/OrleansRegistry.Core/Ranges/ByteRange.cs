namespace OrleansRegistry.Core;

/// <summary>A blob GET's single byte range, RFC 9110 section 14.1.2: <c>bytes=a-b</c>, <c>bytes=a-</c> or <c>bytes=-suffix</c>.</summary>
public static class ByteRange
{
    /// <summary>
    /// Evaluates <paramref name="rangeHeader"/> against a blob of <paramref name="size"/> bytes. For Satisfiable,
    /// <paramref name="start"/>/<paramref name="length"/> are the bytes to send; for Absent and Ignored, the whole blob;
    /// for NotSatisfiable, zero.
    /// </summary>
    public static ByteRangeResult Evaluate(string? rangeHeader, long size, out long start, out long length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        start = 0;
        length = size;
        if (string.IsNullOrWhiteSpace(rangeHeader))
            return ByteRangeResult.Absent;

        var s = rangeHeader.AsSpan().Trim();
        // The range unit is case-insensitive (RFC 9110, section 14.1).
        if (!s.StartsWith("bytes=", StringComparison.OrdinalIgnoreCase))
            return ByteRangeResult.Ignored;
        s = s[6..].Trim();
        if (s.Contains(','))
            return ByteRangeResult.Ignored; // multipart/byteranges is not worth serving for blobs
        var dash = s.IndexOf('-');
        if (dash < 0)
            return ByteRangeResult.Ignored;
        var firstText = s[..dash].TrimEnd();
        var lastText = s[(dash + 1)..].TrimStart();

        if (firstText.IsEmpty)
        {
            // suffix-range: the last N bytes; "-0" selects nothing and so can never be satisfied.
            if (!TryParseSaturating(lastText, out var suffix))
                return ByteRangeResult.Ignored;
            if (suffix == 0 || size == 0)
                return NotSatisfiable(out start, out length);
            length = Math.Min(suffix, size);
            start = size - length;
            return ByteRangeResult.Satisfiable;
        }

        if (!TryParseSaturating(firstText, out var first))
            return ByteRangeResult.Ignored;
        var last = long.MaxValue;
        if (!lastText.IsEmpty && !TryParseSaturating(lastText, out last))
            return ByteRangeResult.Ignored;
        if (last < first)
            return ByteRangeResult.Ignored; // invalid int-range, not an unsatisfiable one
        if (first >= size)
            return NotSatisfiable(out start, out length);
        start = first;
        length = Math.Min(last, size - 1) - first + 1;
        return ByteRangeResult.Satisfiable;
    }

    private static ByteRangeResult NotSatisfiable(out long start, out long length)
    {
        start = length = 0;
        return ByteRangeResult.NotSatisfiable;
    }

    // A position too large for a long is still a position past the end of any blob, so it saturates instead of failing.
    private static bool TryParseSaturating(ReadOnlySpan<char> digits, out long value) =>
        DecimalDigits.TryParse(digits, saturate: true, out value);
}
