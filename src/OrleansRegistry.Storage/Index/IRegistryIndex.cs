using OrleansRegistry.Core;

namespace OrleansRegistry.Storage.Index;

/// <summary>
/// The relational side of the registry (PostgreSQL tables in sql/): the collections that grow without bound
/// and the queries no single grain can answer. Every list is keyset-paginated: a page costs the same whatever
/// the table size. Names, tags and digests come and go as Core's types (validated by the caller, and by this index
/// for what it reads back); they become text only at the SQL boundary. A list's <c>last</c> is a position in lexical
/// order, any string, not necessarily a stored name. Lexical order is byte order (COLLATE "C").
/// </summary>
public interface IRegistryIndex
{
    /// <summary>Records that a repository exists (idempotent); it then shows in the catalog.</summary>
    Task EnsureRepositoryAsync(RepositoryName repository, CancellationToken ct = default);

    Task<bool> RepositoryExistsAsync(RepositoryName repository, CancellationToken ct = default);

    /// <summary>Up to <paramref name="limit"/> repository names after <paramref name="last"/> (exclusive), in lexical order.</summary>
    Task<IReadOnlyList<RepositoryName>> ListRepositoriesAsync(string? last, int limit, CancellationToken ct = default);

    /// <summary>The manifest digest a tag points to, or null.</summary>
    Task<Digest?> GetTagAsync(RepositoryName repository, Tag tag, CancellationToken ct = default);

    /// <summary>Points a tag at a digest (insert or move, atomically).</summary>
    Task PutTagAsync(RepositoryName repository, Tag tag, Digest digest, CancellationToken ct = default);

    /// <summary>Removes a tag; false when it did not exist.</summary>
    Task<bool> DeleteTagAsync(RepositoryName repository, Tag tag, CancellationToken ct = default);

    /// <summary>Up to <paramref name="limit"/> tags after <paramref name="last"/> (exclusive), in lexical order.</summary>
    Task<IReadOnlyList<Tag>> ListTagsAsync(RepositoryName repository, string? last, int limit, CancellationToken ct = default);

    /// <summary>Size of a blob linked into the repository, or null when it is not linked.</summary>
    Task<long?> GetBlobLinkAsync(RepositoryName repository, Digest digest, CancellationToken ct = default);

    /// <summary>
    /// Links a committed blob into a repository (idempotent) and restarts its grace clock, guarded by its row in
    /// `blobs`: false (nothing linked) when the blob is not committed or the collector is deleting it.
    /// </summary>
    Task<bool> LinkBlobAsync(RepositoryName repository, Digest digest, long size, CancellationToken ct = default);

    /// <summary>
    /// Commits a blob: in one transaction its `blobs` row is inserted or refreshed (grace clock restarted, no longer
    /// `deleting`) and, while that row lock is held, <paramref name="commitToStore"/> moves the bytes in. A collector
    /// deleting the same digest holds the same lock, so the two never interleave.
    /// </summary>
    Task CommitBlobAsync(Digest digest, long size, Func<CancellationToken, Task> commitToStore, CancellationToken ct = default);

    /// <summary>Unlinks a blob from a repository; false when it was not linked.</summary>
    Task<bool> UnlinkBlobAsync(RepositoryName repository, Digest digest, CancellationToken ct = default);

    /// <summary>Records that manifest <c>referrer.Digest</c> has <paramref name="subject"/> as its subject (idempotent).</summary>
    Task AddReferrerAsync(RepositoryName repository, Digest subject, ReferrerRecord referrer, CancellationToken ct = default);

    /// <summary>Removes the referrer row of manifest <paramref name="referrerDigest"/>, if any.</summary>
    Task RemoveReferrerAsync(RepositoryName repository, Digest referrerDigest, CancellationToken ct = default);

    /// <summary>Referrers of <paramref name="subject"/>, optionally only those of one artifact type, ordered by digest.</summary>
    Task<IReadOnlyList<ReferrerRecord>> ListReferrersAsync(RepositoryName repository, Digest subject, string? artifactType, CancellationToken ct = default);

    /// <summary>The manifest's row, or null when the repository does not hold it.</summary>
    Task<ManifestRow?> GetManifestAsync(RepositoryName repository, Digest digest, CancellationToken ct = default);

    /// <summary>
    /// Stores a manifest in one transaction: the referenced blob links of the repository and child manifests are
    /// locked (FOR SHARE) so no collector removes them meanwhile; if any is missing nothing is written and they are
    /// returned; else the manifest (a re-push of the same digest and media type keeps the stored bytes), its
    /// references, its referrer entry, the tag and the repository are written.
    /// </summary>
    Task<ManifestPutResult> PutManifestAsync(RepositoryName repository, ManifestWrite manifest, CancellationToken ct = default);

    /// <summary>
    /// Deletes a manifest with its references, its referrer entry and every tag pointing at it, in one transaction;
    /// returns the removed tags, or null when the repository does not hold the manifest.
    /// </summary>
    Task<IReadOnlyList<Tag>?> DeleteManifestAsync(RepositoryName repository, Digest digest, CancellationToken ct = default);

    /// <summary>
    /// Deletes an unreferenced manifest (the collector's untagged-manifest rule) in one transaction: only if, with its
    /// row locked, it is untagged, created before <paramref name="createdBefore"/>, not a child of another manifest of
    /// the repository and not a referrer whose subject is in the repository. False when it was kept (or absent).
    /// </summary>
    Task<bool> DeleteUnreferencedManifestAsync(RepositoryName repository, Digest digest, DateTimeOffset createdBefore, CancellationToken ct = default);

    /// <summary>
    /// Deletes a manifest not pulled for long (the collector's not-pulled rule) with its tags in one transaction: only if,
    /// with its row locked, it was last used (pulled, else created; or a tag moved onto it later) before
    /// <paramref name="usedBefore"/>, is not a child of another manifest of the repository and not a referrer whose
    /// subject is in the repository. Returns the removed tags, or null when it was kept (or absent).
    /// </summary>
    Task<IReadOnlyList<Tag>?> DeleteNotPulledManifestAsync(RepositoryName repository, Digest digest, DateTimeOffset usedBefore,
        CancellationToken ct = default);

    /// <summary>Whether the one-off index upgrade <paramref name="name"/> is recorded as complete (storage_migrations).</summary>
    Task<bool> IsIndexUpgradeCompleteAsync(string name, CancellationToken ct = default);

    /// <summary>Records the index upgrade <paramref name="name"/> as complete (idempotent).</summary>
    Task CompleteIndexUpgradeAsync(string name, CancellationToken ct = default);

    /// <summary>
    /// Up to <paramref name="limit"/> keys (after <paramref name="after"/>, in byte order) of string-keyed grains whose
    /// Orleans grain state <paramref name="stateName"/> of service <paramref name="serviceId"/> still holds a payload:
    /// what an index upgrade out of grain state has left to move.
    /// </summary>
    Task<IReadOnlyList<string>> ListGrainStateKeysAsync(string serviceId, string stateName, string? after, int limit, CancellationToken ct = default);

    /// <summary>Records an open upload session for the expiry sweep.</summary>
    Task AddUploadAsync(string uploadId, RepositoryName repository, DateTimeOffset startedAt, CancellationToken ct = default);

    Task TouchUploadAsync(string uploadId, DateTimeOffset lastActivity, CancellationToken ct = default);

    Task RemoveUploadAsync(string uploadId, CancellationToken ct = default);

    /// <summary>Up to <paramref name="limit"/> upload ids whose last activity is before <paramref name="olderThan"/>.</summary>
    Task<IReadOnlyList<string>> ListExpiredUploadsAsync(DateTimeOffset olderThan, int limit, CancellationToken ct = default);
}

/// <summary>One entry of a referrers index: the descriptor of a manifest whose subject is the queried digest.</summary>
public sealed record ReferrerRecord(
    Digest Digest,
    string MediaType,
    long Size,
    string? ArtifactType,
    IReadOnlyDictionary<string, string>? Annotations);
