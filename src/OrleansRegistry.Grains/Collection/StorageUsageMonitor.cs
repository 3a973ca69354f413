using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansRegistry.Grains.Background;
using OrleansRegistry.Storage.Collection;

namespace OrleansRegistry.Grains.Collection;

/// <summary>Reads storage usage and the last collection time from the tables for /metrics, every UsageRefreshInterval.</summary>
public sealed class StorageUsageMonitor(
    IStorageUsage storage,
    ICollectorRuns runs,
    CollectionMetrics metrics,
    IOptions<GarbageCollectionOptions> options,
    TimeProvider clock,
    ILogger<StorageUsageMonitor> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        PeriodicWork.RunAsync(options.Value.UsageRefreshInterval, clock, first: true, RefreshAsync,
            e => logger.LogWarning(e, "Reading storage usage for /metrics failed; retrying at the next interval"), stoppingToken);

    public async Task RefreshAsync(CancellationToken ct)
    {
        var largest = await storage.LargestRepositoriesAsync(Math.Max(0, options.Value.MetricsRepositories), ct);
        var total = await storage.StoredBytesAsync(ct);
        var lastRun = await runs.LastRunFinishedAsync(ct);
        metrics.Observed(largest, total, lastRun);
    }
}
