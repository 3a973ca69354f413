using System.Diagnostics.Metrics;
using OrleansRegistry.Storage.Collection;

namespace OrleansRegistry.Grains.Collection;

/// <summary>
/// Garbage collection and storage instruments on <see cref="RegistryMeter"/>. Counters count this silo's runs; the
/// gauges show the cluster's state as last read from the tables by <see cref="StorageUsageMonitor"/> (any silo answers
/// the same).
/// </summary>
public sealed class CollectionMetrics
{
    /// <summary>The tag naming a repository on the storage gauge: only the largest ones, a bounded number of series.</summary>
    public const string RepositoryTag = "repository";

    private readonly Counter<long> _runs;
    private readonly Counter<long> _blobs;
    private readonly Counter<long> _manifests;
    private readonly Counter<long> _tags;
    private readonly Counter<long> _reclaimed;
    private volatile Snapshot _snapshot = new([], null, null);

    public CollectionMetrics(IMeterFactory meters)
    {
        var meter = RegistryMeter.Create(meters);
        _runs = meter.CreateCounter<long>("registry.gc.runs", "{run}", "Finished garbage collections on this silo (real and dry)");
        _blobs = meter.CreateCounter<long>("registry.gc.deleted.blobs", "{blob}", "Blobs deleted by garbage collection");
        _manifests = meter.CreateCounter<long>("registry.gc.deleted.manifests", "{manifest}", "Untagged manifests deleted by retention rules");
        _tags = meter.CreateCounter<long>("registry.gc.deleted.tags", "{tag}", "Tags deleted by retention rules");
        _reclaimed = meter.CreateCounter<long>("registry.gc.reclaimed", "By", "Blob bytes deleted from the blob store by garbage collection");
        meter.CreateObservableGauge("registry.gc.last_run", () => _snapshot.LastRun is { } last
                ? [new Measurement<double>(last.ToUnixTimeMilliseconds() / 1000.0)]
                : Array.Empty<Measurement<double>>(),
            "s", "When the last real garbage collection finished (Unix time), whichever silo ran it");
        meter.CreateObservableGauge("registry.storage.repository", () => _snapshot.Largest
                .Select(u => new Measurement<long>(u.Bytes, new KeyValuePair<string, object?>(RepositoryTag, u.Repository.Value))),
            "By", "Bytes of the blobs each repository's manifests reference (shared blobs count in each); the largest repositories only");
        meter.CreateObservableGauge("registry.storage.total", () => _snapshot.Total is { } total
                ? [new Measurement<long>(total)]
                : Array.Empty<Measurement<long>>(),
            "By", "Bytes of every blob the registry holds, each once");

        // Series appear with their first measurement: start the counters at 0 so rate() works from the start.
        foreach (var counter in new[] { _runs, _blobs, _manifests, _tags, _reclaimed }) counter.Add(0);
    }

    public void RunFinished(GarbageCollectionReport report)
    {
        _runs.Add(1, new KeyValuePair<string, object?>("dry_run", report.DryRun ? "true" : "false"));
        if (report.DryRun) return;
        _blobs.Add(report.BlobsDeleted);
        _manifests.Add(report.ManifestsDeleted);
        _tags.Add(report.TagsDeleted);
        _reclaimed.Add(report.BytesReclaimed);
    }

    /// <summary>Replaces what the gauges show (StorageUsageMonitor, after each read of the tables).</summary>
    public void Observed(IReadOnlyList<RepositoryUsage> largest, long total, DateTimeOffset? lastRun) =>
        _snapshot = new Snapshot(largest, total, lastRun);

    private sealed record Snapshot(IReadOnlyList<RepositoryUsage> Largest, long? Total, DateTimeOffset? LastRun);
}
