namespace OrleansRegistry.Grains.Collection;

/// <summary>
/// What a collection deleted, or in a dry run would delete. Counts are exact; the lists hold at most
/// <see cref="ListLimit"/> entries each (<c>repository:tag</c>, <c>repository@digest</c>, blob digests).
/// <see cref="BlobSweepSkipped"/>: no blob was considered, because manifests pushed before the upgrade to manifests as
/// rows are not all in their table yet (their references would be missed).
/// </summary>
public sealed record GarbageCollectionReport(
    bool DryRun,
    DateTimeOffset StartedAt,
    double DurationSeconds,
    int TagsDeleted,
    int ManifestsDeleted,
    int BlobsDeleted,
    long BytesReclaimed,
    IReadOnlyList<string> Tags,
    IReadOnlyList<string> Manifests,
    IReadOnlyList<string> Blobs,
    bool BlobSweepSkipped = false)
{
    public const int ListLimit = 1000;
}
