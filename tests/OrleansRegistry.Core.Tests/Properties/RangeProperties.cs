using System.Text.RegularExpressions;
using CsCheck;
using OrleansRegistry.TestSupport.Parsers;

namespace OrleansRegistry.Core.Tests.Properties;

/// <summary>
/// Blob GET Range (RFC 9110 14.1.2, one range) against a model of the RFC, and upload Content-Range against the spec's
/// <c>^[0-9]+-[0-9]+$</c>.
/// </summary>
public sealed class RangeProperties
{
    private static readonly Regex BareContentRange = new(@"^[0-9]+-[0-9]+\z");

    [Fact]
    public void Byte_range_first_last_agrees_with_the_rfc() =>
        Gen.Select(Gen.Long[0, 3000], Gen.Long[0, 3000], Gen.Long[0, 2000]).Sample((first, last, size) =>
        {
            var result = ByteRange.Evaluate($"bytes={first}-{last}", size, out var start, out var length);
            if (last < first) return result == ByteRangeResult.Ignored;
            if (first >= size) return result == ByteRangeResult.NotSatisfiable;
            return result == ByteRangeResult.Satisfiable && start == first && length == Math.Min(last, size - 1) - first + 1;
        }, iter: 50_000);

    [Fact]
    public void Byte_range_open_end_and_suffix_agree_with_the_rfc() =>
        Gen.Select(Gen.Long[0, 3000], Gen.Long[0, 2000], Gen.Bool).Sample((n, size, suffix) =>
        {
            var result = ByteRange.Evaluate(suffix ? $"bytes=-{n}" : $"bytes={n}-", size, out var start, out var length);
            if (suffix)
                return n == 0 || size == 0
                    ? result == ByteRangeResult.NotSatisfiable
                    : result == ByteRangeResult.Satisfiable && length == Math.Min(n, size) && start == size - length;
            return n >= size
                ? result == ByteRangeResult.NotSatisfiable
                : result == ByteRangeResult.Satisfiable && start == n && length == size - n;
        }, iter: 50_000);

    [Fact]
    public void Content_range_round_trips_in_the_spec_form_and_the_rfc_forms() =>
        Gen.Select(Gen.Long[0, long.MaxValue - 1], Gen.Long[0, long.MaxValue - 1], Gen.Int[0, 2]).Sample((a, b, form) =>
        {
            var (start, end) = (Math.Min(a, b), Math.Max(a, b));
            var text = form switch { 0 => $"{start}-{end}", 1 => $"bytes {start}-{end}/{end + 1}", _ => $"bytes={start}-{end}" };
            return ContentRange.TryParse(text, out var parsedStart, out var parsedEnd) && parsedStart == start && parsedEnd == end;
        }, iter: 50_000);

    [Fact]
    public void Bare_content_range_is_accepted_exactly_when_it_is_the_grammar_in_order_and_within_a_long() =>
        ParserProperties.GrammarText("0123456789-", 45).Sample(text =>
        {
            // Surrounding whitespace is not the value's: HTTP strips it from header fields (RFC 9110 5.5), the parser too.
            var value = text.Trim();
            var expected = BareContentRange.IsMatch(value) && value.Split('-') is [var s, var e]
                && long.TryParse(s, out var first) && long.TryParse(e, out var last) && first <= last;
            return ContentRange.TryParse(text, out _, out _) == expected;
        }, iter: 50_000);
}
