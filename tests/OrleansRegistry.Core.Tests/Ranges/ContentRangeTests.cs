namespace OrleansRegistry.Core.Tests.Ranges;

// spec: "Pushing a blob in chunks" — Content-Range: <range>, matching ^[0-9]+-[0-9]+$, inclusive
public sealed class ContentRangeTests
{
    [Theory]
    [InlineData("0-0", 0, 0)]
    [InlineData("0-1023", 0, 1023)]
    [InlineData("1024-2047", 1024, 2047)]
    [InlineData(" 5-9 ", 5, 9)]
    [InlineData("bytes=5-9", 5, 9)]        // lenient: the Range header's form
    [InlineData("bytes 5-9", 5, 9)]        // lenient: RFC 9110 Content-Range without complete-length
    [InlineData("Bytes 5-9", 5, 9)]
    [InlineData("bytes 5-9/*", 5, 9)]
    [InlineData("bytes 5-9/10", 5, 9)]
    [InlineData("0-9223372036854775806", 0, 9223372036854775806)]
    [InlineData("9223372036854775807-9223372036854775807", long.MaxValue, long.MaxValue)]
    public void Accepts(string header, long start, long end)
    {
        Assert.True(ContentRange.TryParse(header, out var s, out var e));
        Assert.Equal(start, s);
        Assert.Equal(end, e);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("-")]
    [InlineData("5-")]
    [InlineData("-5")]
    [InlineData("9-5")]                      // start must not exceed end
    [InlineData("a-b")]
    [InlineData("+1-2")]
    [InlineData("1 - 2")]
    [InlineData("1-2-3")]
    [InlineData("0-9223372036854775808")]    // overflow
    [InlineData("bytes=")]
    [InlineData("bytes")]
    [InlineData("bits=1-2")]
    [InlineData("5-9/10")]                   // complete-length only with the unit
    [InlineData("bytes 5-9/9")]              // end beyond complete-length
    [InlineData("bytes 5-9/x")]
    [InlineData("1-2,3-4")]
    public void Refuses(string? header)
    {
        Assert.False(ContentRange.TryParse(header, out var s, out var e));
        Assert.Equal(0, s);
        Assert.Equal(0, e);
    }
}
