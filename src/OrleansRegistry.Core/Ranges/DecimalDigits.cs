namespace OrleansRegistry.Core;

/// <summary>The non-negative decimal numbers of range headers: ASCII digits only, no sign, no spaces, not empty.</summary>
internal static class DecimalDigits
{
    /// <summary>
    /// Reads <paramref name="digits"/>. A number beyond <see cref="long.MaxValue"/> fails, or with
    /// <paramref name="saturate"/> reads as <see cref="long.MaxValue"/>; either way every character must be a digit.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<char> digits, bool saturate, out long value)
    {
        value = 0;
        if (digits.IsEmpty)
            return false;
        foreach (var c in digits)
        {
            if (c is < '0' or > '9')
                return false;
            if (value > (long.MaxValue - (c - '0')) / 10)
            {
                if (!saturate)
                    return false;
                value = long.MaxValue;
            }
            else
            {
                value = value * 10 + (c - '0');
            }
        }
        return true;
    }
}
