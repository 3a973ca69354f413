using OrleansRegistry.Core;

namespace OrleansRegistry.Storage.Collection;

/// <summary>
/// The last pull time of each manifest and blob (sql/13-pull-times.sql), which the retention rule
/// <c>DeleteNotPulledFor</c> reads. Written in batches, never once per pull.
/// </summary>
public interface IPullTimes
{
    /// <summary>
    /// Writes a batch in one round trip, all or nothing: each manifest's and blob's <c>last_pulled_at</c> moves forward to
    /// the time given, never back (an older time, or one of a duplicate key, loses to the newer). A manifest or blob no
    /// longer stored is skipped.
    /// </summary>
    Task RecordAsync(IReadOnlyCollection<ManifestPull> manifests, IReadOnlyCollection<BlobPull> blobs, CancellationToken ct = default);
}

/// <summary>A manifest of a repository pulled (GET or HEAD) at <see cref="PulledAt"/>.</summary>
public sealed record ManifestPull(RepositoryName Repository, Digest Digest, DateTimeOffset PulledAt);

/// <summary>A blob pulled (GET) at <see cref="PulledAt"/>, from whichever repository.</summary>
public sealed record BlobPull(Digest Digest, DateTimeOffset PulledAt);
