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

    /// <summary>Links a committed blob into this repository (idempotent).</summary>
    [Idempotent, Alias("LinkBlob")]
    Task LinkBlob(Digest digest, long size);

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

    /// <summary>Retention deleted these tags from the tables: drop them from the cache (nothing else).</summary>
    [Idempotent, Alias("ForgetTags")]
    Task ForgetTags(Tag[] tags);

    /// <summary>A manifest was deleted: every tag pointing at it goes too.</summary>
    [Idempotent, Alias("ManifestDeleted")]
    Task ManifestDeleted(Digest digest);
}
