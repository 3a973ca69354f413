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

    /// <summary>Removes every tag that points to <paramref name="digest"/> and returns their names.</summary>
    Task<IReadOnlyList<string>> DeleteTagsPointingToAsync(string repository, string digest, CancellationToken ct = default);

    /// <summary>Up to <paramref name="limit"/> tags after <paramref name="last"/> (exclusive), in lexical order.</summary>
    Task<IReadOnlyList<string>> ListTagsAsync(string repository, string? last, int limit, CancellationToken ct = default);

    /// <summary>Size of a blob linked into the repository, or null when it is not linked.</summary>
    Task<long?> GetBlobLinkAsync(string repository, string digest, CancellationToken ct = default);

    /// <summary>Links a committed blob into a repository (idempotent).</summary>
    Task LinkBlobAsync(string repository, string digest, long size, CancellationToken ct = default);

    /// <summary>Unlinks a blob from a repository; false when it was not linked.</summary>
    Task<bool> UnlinkBlobAsync(string repository, string digest, CancellationToken ct = default);

    /// <summary>Records that manifest <c>referrer.Digest</c> has <paramref name="subject"/> as its subject (idempotent).</summary>
    Task AddReferrerAsync(string repository, string subject, ReferrerRecord referrer, CancellationToken ct = default);

    /// <summary>Removes the referrer row of manifest <paramref name="referrerDigest"/>, if any.</summary>
    Task RemoveReferrerAsync(string repository, string referrerDigest, CancellationToken ct = default);

    /// <summary>Referrers of <paramref name="subject"/>, optionally only those of one artifact type, ordered by digest.</summary>
    Task<IReadOnlyList<ReferrerRecord>> ListReferrersAsync(string repository, string subject, string? artifactType, CancellationToken ct = default);

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
