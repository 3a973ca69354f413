using OrleansRegistry.Core;

namespace OrleansRegistry.Client.Registry;

/// <summary>The manifests that name a subject (spec: "Listing Referrers").</summary>
public interface IReferrerLister
{
    /// <summary>
    /// The descriptors of manifests whose <c>subject</c> is <paramref name="subject"/>, only those of
    /// <paramref name="artifactType"/> when given (filtered here when the registry did not). A registry without the
    /// referrers API (404) is read through the spec's referrers tag schema (<c>&lt;alg&gt;-&lt;ref&gt;</c>).
    /// </summary>
    IAsyncEnumerable<Descriptor> ListReferrersAsync(Digest subject, string? artifactType = null, CancellationToken ct = default);
}
