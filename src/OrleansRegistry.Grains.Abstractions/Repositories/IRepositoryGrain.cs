using Orleans.Concurrency;

namespace OrleansRegistry.Grains.Abstractions.Repositories;

/// <summary>
/// One repository (key: its name): which blobs are linked into it and where its tags point. The unbounded
/// collections live in PostgreSQL tables; the activation caches what clients hammer (blob HEAD, tag lookups).
/// </summary>
[Alias("IRepositoryGrain")]
public interface IRepositoryGrain : IGrainWithStringKey
{
    /// <summary>Size of a blob linked into this repository, or null.</summary>
    [AlwaysInterleave, Alias("StatBlob")]
    Task<long?> StatBlob(string digest);

    /// <summary>Links a committed blob into this repository.</summary>
    [Alias("LinkBlob")]
    Task LinkBlob(string digest, long size);

    /// <summary>Unlinks a blob; false when it was not linked.</summary>
    [Alias("UnlinkBlob")]
    Task<bool> UnlinkBlob(string digest);

    /// <summary>The manifest digest a tag points to, or null.</summary>
    [AlwaysInterleave, Alias("ResolveTag")]
    Task<string?> ResolveTag(string tag);

    /// <summary>Points a tag at a manifest digest (atomically: readers see the old or the new digest).</summary>
    [Alias("Tag")]
    Task Tag(string tag, string digest);

    /// <summary>Removes a tag; false when it did not exist.</summary>
    [Alias("Untag")]
    Task<bool> Untag(string tag);

    /// <summary>A manifest was deleted: every tag pointing at it goes too.</summary>
    [Alias("ManifestDeleted")]
    Task ManifestDeleted(string digest);
}
