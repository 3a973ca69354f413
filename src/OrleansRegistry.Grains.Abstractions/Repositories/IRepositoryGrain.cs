using Orleans.Concurrency;
using OrleansRegistry.Core;
using OrleansRegistry.Grains.Abstractions;

namespace OrleansRegistry.Grains.Abstractions.Repositories;

/// <summary>
/// One repository (key: its name): which blobs are linked into it and where its tags point. The unbounded
/// collections live in PostgreSQL tables; the activation caches what clients hammer (blob HEAD, tag lookups).
/// </summary>
[Alias("IRepositoryGrain")]
public interface IRepositoryGrain : IGrainWithStringKey
{
    /// <summary>Size of a blob linked into this repository, or null.</summary>
    [Idempotent, AlwaysInterleave, Alias("StatBlob")]
    Task<long?> StatBlob(Digest digest);

    /// <summary>
    /// Links a committed blob into this repository (idempotent); false when the blob is not committed or is being
    /// deleted by the garbage collector (a mount then falls back to an upload session).
    /// </summary>
    [Idempotent, Alias("LinkBlob")]
    Task<bool> LinkBlob(Digest digest, long size);

    /// <summary>Unlinks a blob; false when it was not linked.</summary>
    [Alias("UnlinkBlob")]
    Task<bool> UnlinkBlob(Digest digest);

    /// <summary>The manifest digest a tag points to, or null.</summary>
    [Idempotent, AlwaysInterleave, Alias("ResolveTag")]
    Task<Digest?> ResolveTag(Tag tag);

    /// <summary>Points a tag at a manifest digest (atomically: readers see the old or the new digest).</summary>
    [Idempotent, Alias("PutTag")]
    Task PutTag(Tag tag, Digest digest);

    /// <summary>Removes a tag; false when it did not exist.</summary>
    [Alias("DeleteTag")]
    Task<bool> DeleteTag(Tag tag);

    /// <summary>
    /// The garbage collector removed these blobs' links from the tables: drop them from the cache (nothing else).
    /// </summary>
    [Idempotent, Alias("ForgetBlobs")]
    Task ForgetBlobs(Digest[] digests);

    /// <summary>A manifest PUT moved <paramref name="tag"/> to <paramref name="digest"/> in the index: the cached value goes.</summary>
    [Idempotent, Alias("TagMoved")]
    Task TagMoved(Tag tag, Digest digest);

    /// <summary>A manifest DELETE removed these tags from the index together with the manifest (cache only).</summary>
    [Idempotent, Alias("TagsRemoved")]
    Task TagsRemoved(Tag[] tags);
}
