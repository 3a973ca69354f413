namespace OrleansRegistry.Client.Errors;

/// <summary>
/// Content is longer or shorter than its descriptor says: a download that ended early or ran past the size, or an
/// upload source that ended before the descriptor's size. <see cref="Actual"/> is a lower bound when the content ran over.
/// </summary>
public sealed class SizeMismatchException : RegistryClientException
{
    public SizeMismatchException(long expected, long actual, string? what = null)
        : base(actual > expected
            ? $"{what ?? "content"} should be {expected} bytes but has at least {actual}"
            : $"{what ?? "content"} should be {expected} bytes but has {actual}")
    {
        Expected = expected;
        Actual = actual;
    }

    public long Expected { get; }

    public long Actual { get; }
}
