using OrleansRegistry.Core;

namespace OrleansRegistry.Storage.Collection;

/// <summary>
/// The queries of garbage collection and retention over the tables of sql/11-storage-lifecycle.sql (blobs, manifests,
/// manifest_references) and sql/10-registry.sql (tags, blob_links): the candidates and the sweep. Mark and sweep are
/// queries: nothing here walks the blob store. Names, tags and digests are text only in the SQL: whoever stored them
/// validated them, and rows read back are parsed here.
/// </summary>
public interface IGarbageQueries
{
    /// <summary>The database's clock (<c>now()</c>), which stamps <c>last_linked_at</c>, <c>created_at</c> and <c>updated_at</c>.</summary>
    Task<DateTimeOffset> DatabaseNowAsync(CancellationToken ct = default);

    /// <summary>
    /// The tags of <paramref name="repository"/> a retention rule deletes: beyond the newest
    /// <paramref name="keepNewest"/> (by <c>updated_at</c>) and updated before <paramref name="olderThan"/>; a null bound
    /// does not restrict. Both null: none.
    /// </summary>
    Task<IReadOnlyList<TagRecord>> ListExpiredTagsAsync(RepositoryName repository, int? keepNewest, DateTimeOffset? olderThan,
        CancellationToken ct = default);

    /// <summary>Deletes a tag only if it still points where it did when listed (a push since then keeps it).</summary>
    Task<bool> DeleteTagIfUnchangedAsync(RepositoryName repository, TagRecord tag, CancellationToken ct = default);

    /// <summary>
    /// Up to <paramref name="limit"/> manifests of <paramref name="repository"/> after <paramref name="after"/> (digest
    /// order) created before <paramref name="createdBefore"/> that nothing keeps: no tag, not a child of another manifest
    /// of the repository, not a referrer whose subject is in the repository. <paramref name="goneTags"/> and
    /// <paramref name="goneManifests"/> count as already deleted (a dry run's earlier decisions).
    /// </summary>
    Task<IReadOnlyList<Digest>> ListUnreferencedManifestsAsync(RepositoryName repository, DateTimeOffset createdBefore,
        IReadOnlyCollection<Tag> goneTags, IReadOnlyCollection<Digest> goneManifests, Digest? after, int limit,
        CancellationToken ct = default);

    /// <summary>
    /// Up to <paramref name="limit"/> manifests of <paramref name="repository"/> after <paramref name="after"/> (digest
    /// order), tagged or not, last used before <paramref name="usedBefore"/> (pulled; never pulled: created; or a tag
    /// moved onto it since) that are neither a child of another manifest of the repository nor a referrer whose subject
    /// is in the repository. <paramref name="goneManifests"/> count as already deleted (a dry run's earlier decisions).
    /// </summary>
    Task<IReadOnlyList<Digest>> ListNotPulledManifestsAsync(RepositoryName repository, DateTimeOffset usedBefore,
        IReadOnlyCollection<Digest> goneManifests, Digest? after, int limit, CancellationToken ct = default);

    /// <summary>Blobs a killed run left marked <c>deleting</c> (their links are gone; the bytes may not be).</summary>
    Task<IReadOnlyList<BlobRecord>> ListDeletingBlobsAsync(int limit, CancellationToken ct = default);

    /// <summary>
    /// Up to <paramref name="limit"/> garbage blobs with digests after <paramref name="after"/>, in digest order: no
    /// manifest of any repository references them (kind 'blob') and they were last linked before
    /// <paramref name="linkedBefore"/>. References from <paramref name="goneManifests"/> (repository, digest) do not
    /// count (a dry run's manifest deletions).
    /// </summary>
    Task<IReadOnlyList<BlobRecord>> ListGarbageBlobsAsync(DateTimeOffset linkedBefore, Digest? after, int limit,
        IReadOnlyCollection<ManifestKey> goneManifests, CancellationToken ct = default);

    /// <summary>
    /// Sweep step 1, one transaction for a batch: locks the blobs' rows and their links (in digest order, as a manifest
    /// PUT locks links), re-checks that each is still garbage (not deleting, last linked before
    /// <paramref name="linkedBefore"/>, referenced by no manifest), deletes those links and marks those blobs deleting.
    /// Returns the blobs that were still garbage, each with the repositories that linked it.
    /// </summary>
    Task<IReadOnlyList<UnlinkedBlob>> UnlinkGarbageBlobsAsync(IReadOnlyList<Digest> digests, DateTimeOffset linkedBefore,
        CancellationToken ct = default);

    /// <summary>
    /// Sweep step 2, one transaction for a batch: under the row locks of the blobs still marked deleting, runs
    /// <paramref name="deleteBytes"/> (the store's delete) for each, then deletes their rows. Returns the blobs deleted;
    /// a blob no longer marked (an upload committed it again in between) is left alone.
    /// </summary>
    Task<IReadOnlyList<BlobRecord>> DeleteUnlinkedBlobsAsync(IReadOnlyList<Digest> digests,
        Func<Digest, CancellationToken, Task> deleteBytes, CancellationToken ct = default);
}

/// <summary>A tag as listed: where it pointed and when it was last moved.</summary>
public sealed record TagRecord(Tag Tag, Digest Digest, DateTimeOffset UpdatedAt);

/// <summary>A blob row: its digest and size.</summary>
public sealed record BlobRecord(Digest Digest, long Size);

/// <summary>A blob the sweep unlinked and marked deleting, and the repositories that linked it.</summary>
public sealed record UnlinkedBlob(Digest Digest, long Size, IReadOnlyList<RepositoryName> Repositories);

/// <summary>A manifest of a repository.</summary>
public sealed record ManifestKey(RepositoryName Repository, Digest Digest);
