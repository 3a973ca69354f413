using OrleansRegistry.Core;

namespace OrleansRegistry.Client.Errors;

/// <summary>Content received (or about to be sent) does not hash to the digest it was asked for under.</summary>
public sealed class DigestMismatchException : RegistryClientException
{
    public DigestMismatchException(Digest expected, Digest actual, string? what = null)
        : base($"{what ?? "content"} should have digest {expected} but has {actual}")
    {
        Expected = expected;
        Actual = actual;
    }

    public Digest Expected { get; }

    public Digest Actual { get; }
}
