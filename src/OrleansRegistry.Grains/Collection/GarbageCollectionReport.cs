namespace OrleansRegistry.Grains.Collection;

/// <summary>
/// What a collection deleted, or in a dry run would delete. Counts are exact; the lists hold at most
/// <see cref="ListLimit"/> entries each (<c>repository:tag</c>, <c>repository@digest</c>, blob digests).
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
    IReadOnlyList<string> Blobs)
{
    public const int ListLimit = 1000;
}
