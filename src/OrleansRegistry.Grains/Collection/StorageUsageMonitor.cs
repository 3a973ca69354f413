using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansRegistry.Storage.Collection;

namespace OrleansRegistry.Grains.Collection;

/// <summary>Reads storage usage and the last collection time from the tables for /metrics, every UsageRefreshInterval.</summary>
public sealed class StorageUsageMonitor(
    IGarbageIndex garbage,
    CollectionMetrics metrics,
    IOptions<GarbageCollectionOptions> options,
    TimeProvider clock,
    ILogger<StorageUsageMonitor> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.UsageRefreshInterval, clock);
        do
        {
            try { await RefreshAsync(stoppingToken); }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(e, "Reading storage usage for /metrics failed; retrying at the next interval");
            }
        } while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    public async Task RefreshAsync(CancellationToken ct)
    {
        var largest = await garbage.LargestRepositoriesAsync(Math.Max(0, options.Value.MetricsRepositories), ct);
        var total = await garbage.StoredBytesAsync(ct);
        var lastRun = await garbage.LastRunFinishedAsync(ct);
        metrics.Observed(largest, total, lastRun);
    }
}
