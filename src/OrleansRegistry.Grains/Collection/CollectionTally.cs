using OrleansRegistry.Core;

namespace OrleansRegistry.Grains.Collection;

/// <summary>A run's counts and bounded lists as it goes; <see cref="Report"/> freezes them.</summary>
internal sealed class CollectionTally(bool dryRun, DateTimeOffset startedAt)
{
    private readonly List<string> _tags = [];
    private readonly List<string> _manifests = [];
    private readonly List<string> _blobs = [];

    public bool DryRun { get; } = dryRun;
    public int TagsDeleted { get; private set; }
    public int ManifestsDeleted { get; private set; }
    public int BlobsDeleted { get; private set; }
    public long BytesReclaimed { get; private set; }
    public bool BlobSweepSkipped { get; set; }

    public void Tag(RepositoryName repository, Tag tag)
    {
        TagsDeleted++;
        if (_tags.Count < GarbageCollectionReport.ListLimit) _tags.Add($"{repository}:{tag}");
    }

    public void Manifest(RepositoryName repository, Digest digest)
    {
        ManifestsDeleted++;
        if (_manifests.Count < GarbageCollectionReport.ListLimit) _manifests.Add($"{repository}@{digest}");
    }

    public void Blob(Digest digest, long size)
    {
        BlobsDeleted++;
        BytesReclaimed += size;
        if (_blobs.Count < GarbageCollectionReport.ListLimit) _blobs.Add(digest.ToString());
    }

    public GarbageCollectionReport Report(TimeSpan duration) => new(DryRun, startedAt, Math.Round(duration.TotalSeconds, 3),
        TagsDeleted, ManifestsDeleted, BlobsDeleted, BytesReclaimed, _tags, _manifests, _blobs, BlobSweepSkipped);
}
