using OrleansRegistry.Core;

namespace OrleansRegistry.Storage.Collection;

/// <summary>Storage usage per repository and in all, from the tables (blobs, manifests, manifest_references, repositories).</summary>
public interface IStorageUsage
{
    /// <summary>Storage per repository, up to <paramref name="limit"/> repositories after <paramref name="last"/> in name order.</summary>
    Task<IReadOnlyList<RepositoryUsage>> ListUsageAsync(string? last, int limit, CancellationToken ct = default);

    /// <summary>The <paramref name="limit"/> repositories that reference the most bytes, largest first.</summary>
    Task<IReadOnlyList<RepositoryUsage>> LargestRepositoriesAsync(int limit, CancellationToken ct = default);

    /// <summary>Bytes of every blob the registry holds (each once).</summary>
    Task<long> StoredBytesAsync(CancellationToken ct = default);
}

/// <summary>
/// A repository's storage: <see cref="Bytes"/> of the distinct blobs its manifests reference (a blob shared with other
/// repositories counts in each), how many blobs that is, and how many manifests it holds.
/// </summary>
public sealed record RepositoryUsage(RepositoryName Repository, long Bytes, long Blobs, long Manifests);
