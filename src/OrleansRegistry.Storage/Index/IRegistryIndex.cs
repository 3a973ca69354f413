namespace OrleansRegistry.Storage.Index;

/// <summary>
/// The relational side of the registry (PostgreSQL tables in sql/): the collections that grow without bound
/// and the queries no single grain can answer. Every list is keyset-paginated: a page costs the same whatever
/// the table size. Names, tags and digests are already validated by the caller. Lexical order is byte order
/// (COLLATE "C").
/// </summary>
public interface IRegistryIndex
{
    /// <summary>Records that a repository exists (idempotent); it then shows in the catalog.</summary>
    Task EnsureRepositoryAsync(string repository, CancellationToken ct = default);

    Task<bool> RepositoryExistsAsync(string repository, CancellationToken ct = default);

    /// <summary>Up to <paramref name="limit"/> repository names after <paramref name="last"/> (exclusive), in lexical order.</summary>
    Task<IReadOnlyList<string>> ListRepositoriesAsync(string? last, int limit, CancellationToken ct = default);

    /// <summary>The manifest digest a tag points to, or null.</summary>
    Task<string?> GetTagAsync(string repository, string tag, CancellationToken ct = default);

    /// <summary>Points a tag at a digest (insert or move, atomically).</summary>
    Task PutTagAsync(string repository, string tag, string digest, CancellationToken ct = default);

    /// <summary>Removes a tag; false when it did not exist.</summary>
    Task<bool> DeleteTagAsync(string repository, string tag, CancellationToken ct = default);

    /// <summary>Up to <paramref name="limit"/> tags after <paramref name="last"/> (exclusive), in lexical order.</summary>
    Task<IReadOnlyList<string>> ListTagsAsync(string repository, string? last, int limit, CancellationToken ct = default);

    /// <summary>Size of a blob linked into the repository, or null when it is not linked.</summary>
    Task<long?> GetBlobLinkAsync(string repository, string digest, CancellationToken ct = default);

    /// <summary>
    /// Links a committed blob into a repository (idempotent) and restarts its grace clock, guarded by its row in
    /// `blobs`: false (nothing linked) when the blob is not committed or the collector is deleting it.
    /// </summary>
    Task<bool> LinkBlobAsync(string repository, string digest, long size, CancellationToken ct = default);

    /// <summary>
    /// Commits a blob: in one transaction its `blobs` row is inserted or refreshed (grace clock restarted, no longer
    /// `deleting`) and, while that row lock is held, <paramref name="commitToStore"/> moves the bytes in. A collector
    /// deleting the same digest holds the same lock, so the two never interleave.
    /// </summary>
    Task CommitBlobAsync(string digest, long size, Func<CancellationToken, Task> commitToStore, CancellationToken ct = default);

    /// <summary>Unlinks a blob from a repository; false when it was not linked.</summary>
    Task<bool> UnlinkBlobAsync(string repository, string digest, CancellationToken ct = default);

    /// <summary>Records that manifest <c>referrer.Digest</c> has <paramref name="subject"/> as its subject (idempotent).</summary>
    Task AddReferrerAsync(string repository, string subject, ReferrerRecord referrer, CancellationToken ct = default);

    /// <summary>Removes the referrer row of manifest <paramref name="referrerDigest"/>, if any.</summary>
    Task RemoveReferrerAsync(string repository, string referrerDigest, CancellationToken ct = default);

    /// <summary>Referrers of <paramref name="subject"/>, optionally only those of one artifact type, ordered by digest.</summary>
    Task<IReadOnlyList<ReferrerRecord>> ListReferrersAsync(string repository, string subject, string? artifactType, CancellationToken ct = default);

    /// <summary>The manifest's row, or null when the repository does not hold it.</summary>
    Task<ManifestRow?> GetManifestAsync(string repository, string digest, CancellationToken ct = default);

    /// <summary>
    /// Stores a manifest in one transaction: the referenced blob links of the repository and child manifests are
    /// locked (FOR SHARE) so no collector removes them meanwhile; if any is missing nothing is written and they are
    /// returned; else the manifest (a re-push of the same digest and media type keeps the stored bytes), its
    /// references, its referrer entry, the tag and the repository are written.
    /// </summary>
    Task<ManifestPutResult> PutManifestAsync(string repository, ManifestWrite manifest, CancellationToken ct = default);

    /// <summary>
    /// Deletes a manifest with its references, its referrer entry and every tag pointing at it, in one transaction;
    /// returns the removed tags, or null when the repository does not hold the manifest.
    /// </summary>
    Task<IReadOnlyList<string>?> DeleteManifestAsync(string repository, string digest, CancellationToken ct = default);

    /// <summary>
    /// Deletes an unreferenced manifest (the collector's untagged-manifest rule) in one transaction: only if, with its
    /// row locked, it is untagged, created before <paramref name="createdBefore"/>, not a child of another manifest of
    /// the repository and not a referrer whose subject is in the repository. False when it was kept (or absent).
    /// </summary>
    Task<bool> DeleteUnreferencedManifestAsync(string repository, string digest, DateTimeOffset createdBefore, CancellationToken ct = default);

    /// <summary>Whether the one-off data migration <paramref name="name"/> is recorded as complete (storage_migrations).</summary>
    Task<bool> IsStorageMigrationCompleteAsync(string name, CancellationToken ct = default);

    /// <summary>Records the data migration <paramref name="name"/> as complete (idempotent).</summary>
    Task CompleteStorageMigrationAsync(string name, CancellationToken ct = default);

    /// <summary>
    /// Up to <paramref name="limit"/> keys (after <paramref name="after"/>, in byte order) of string-keyed grains whose
    /// Orleans grain state <paramref name="stateName"/> of service <paramref name="serviceId"/> still holds a payload:
    /// what a data migration out of grain state has left to move.
    /// </summary>
    Task<IReadOnlyList<string>> ListGrainStateKeysAsync(string serviceId, string stateName, string? after, int limit, CancellationToken ct = default);

    /// <summary>Records an open upload session for the expiry sweep.</summary>
    Task AddUploadAsync(string uploadId, string repository, DateTimeOffset startedAt, CancellationToken ct = default);

    Task TouchUploadAsync(string uploadId, DateTimeOffset lastActivity, CancellationToken ct = default);

    Task RemoveUploadAsync(string uploadId, CancellationToken ct = default);

    /// <summary>Up to <paramref name="limit"/> upload ids whose last activity is before <paramref name="olderThan"/>.</summary>
    Task<IReadOnlyList<string>> ListExpiredUploadsAsync(DateTimeOffset olderThan, int limit, CancellationToken ct = default);
}

/// <summary>One entry of a referrers index: the descriptor of a manifest whose subject is the queried digest.</summary>
public sealed record ReferrerRecord(
    string Digest,
    string MediaType,
    long Size,
    string? ArtifactType,
    IReadOnlyDictionary<string, string>? Annotations);
