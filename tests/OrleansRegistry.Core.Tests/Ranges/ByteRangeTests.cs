namespace OrleansRegistry.Core.Tests.Ranges;

// spec: "Pulling blobs" (Range support) with RFC 9110 sections 14.1.2 and 14.2
public sealed class ByteRangeTests
{
    [Theory]
    [InlineData("bytes=0-0", 100, 0, 1)]
    [InlineData("bytes=0-99", 100, 0, 100)]
    [InlineData("bytes=10-19", 100, 10, 10)]
    [InlineData("bytes=10-", 100, 10, 90)]
    [InlineData("bytes=99-", 100, 99, 1)]
    [InlineData("bytes=90-1000", 100, 90, 10)]     // last-pos past the end is clamped
    [InlineData("bytes=-10", 100, 90, 10)]
    [InlineData("bytes=-100", 100, 0, 100)]
    [InlineData("bytes=-1000", 100, 0, 100)]        // suffix longer than the blob selects all of it
    [InlineData("BYTES=1-2", 100, 1, 2)]            // range unit is case-insensitive
    [InlineData(" bytes= 1 - 2 ", 100, 1, 2)]
    [InlineData("bytes=0-99999999999999999999999", 100, 0, 100)] // overflowing last-pos saturates
    public void Satisfiable(string header, long size, long start, long length)
    {
        Assert.Equal(ByteRangeResult.Satisfiable, ByteRange.Evaluate(header, size, out var s, out var l));
        Assert.Equal(start, s);
        Assert.Equal(length, l);
    }

    [Theory]
    [InlineData("bytes=100-", 100)]           // start beyond the last byte
    [InlineData("bytes=100-200", 100)]
    [InlineData("bytes=5000-", 100)]
    [InlineData("bytes=99999999999999999999999-", 100)]
    [InlineData("bytes=-0", 100)]             // a zero suffix selects nothing
    [InlineData("bytes=0-", 0)]               // nothing in an empty blob can be selected
    [InlineData("bytes=0-0", 0)]
    [InlineData("bytes=-5", 0)]
    public void Not_satisfiable(string header, long size)
    {
        Assert.Equal(ByteRangeResult.NotSatisfiable, ByteRange.Evaluate(header, size, out var s, out var l));
        Assert.Equal(0, s);
        Assert.Equal(0, l);
    }

    [Theory]
    [InlineData("bytes=5-1")]          // last < first: invalid, not unsatisfiable
    [InlineData("bytes=0-1,5-6")]      // multi-range is served whole
    [InlineData("bytes=a-b")]
    [InlineData("bytes=1")]
    [InlineData("bytes=-")]
    [InlineData("bytes=")]
    [InlineData("bytes=+1-2")]
    [InlineData("items=0-1")]          // other units are ignored
    [InlineData("0-1")]
    public void Ignored_serves_the_whole_blob(string header)
    {
        Assert.Equal(ByteRangeResult.Ignored, ByteRange.Evaluate(header, 100, out var s, out var l));
        Assert.Equal(0, s);
        Assert.Equal(100, l);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void Absent_serves_the_whole_blob(string? header)
    {
        Assert.Equal(ByteRangeResult.Absent, ByteRange.Evaluate(header, 42, out var s, out var l));
        Assert.Equal(0, s);
        Assert.Equal(42, l);
    }

    [Fact]
    public void Absent_on_an_empty_blob_is_zero_length()
    {
        Assert.Equal(ByteRangeResult.Absent, ByteRange.Evaluate(null, 0, out var s, out var l));
        Assert.Equal(0, s);
        Assert.Equal(0, l);
    }

    [Fact]
    public void A_negative_size_is_a_programming_error() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => ByteRange.Evaluate("bytes=0-1", -1, out _, out _));
}
