using OrleansRegistry.Core;

namespace OrleansRegistry.Storage.Index;

/// <summary>A manifest's row (sql/11-storage-lifecycle.sql `manifests`): the bytes exactly as pushed.</summary>
public sealed record ManifestRow(Digest Digest, string MediaType, byte[] Content, Digest? Subject, DateTimeOffset CreatedAt);

/// <summary>One row of `manifest_references`: what a manifest references, with the size its descriptor gives.</summary>
public sealed record ManifestReference(string Kind, Digest Digest, long Size)
{
    /// <summary>A blob (config, layer, artifact blob): must be linked into the repository.</summary>
    public const string Blob = "blob";

    /// <summary>A child manifest of an index: must be a manifest of the repository.</summary>
    public const string Manifest = "manifest";

    /// <summary>The subject of a referrer: need not exist (referrers may be pushed first).</summary>
    public const string Subject = "subject";
}

/// <summary>
/// Everything one manifest PUT writes, in one transaction: the manifest, its references, its referrer entry (when it
/// has a subject) and the tag (when pushed by tag).
/// </summary>
public sealed record ManifestWrite(
    Digest Digest,
    string MediaType,
    byte[] Content,
    IReadOnlyList<ManifestReference> References,
    ReferrerRecord? Referrer,
    Digest? Subject,
    Tag? Tag)
{
    /// <summary>
    /// False for a manifest already stored before (moved from grain state into its row) and for a mirrored
    /// repository's manifest cached from its upstream (what it references is fetched when pulled): its references are
    /// recorded as they are, whether or not they are here.
    /// </summary>
    public bool RequireReferences { get; init; } = true;
}

/// <summary>What a manifest PUT did: the stored row, or the blobs and child manifests that are missing (nothing written).</summary>
public sealed record ManifestPutResult(ManifestRow? Stored, IReadOnlyList<Digest> Missing)
{
    public static ManifestPutResult Refused(IReadOnlyList<Digest> missing) => new(null, missing);
}
