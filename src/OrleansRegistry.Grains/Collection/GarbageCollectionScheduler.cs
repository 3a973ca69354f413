using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansRegistry.Grains.Background;

namespace OrleansRegistry.Grains.Collection;

/// <summary>
/// Scheduled collections: every silo looks now and then, and the one that gets the collector lock runs when no real
/// run finished within <see cref="GarbageCollectionOptions.Interval"/>; so N silos run about one collection per interval,
/// and a silo lost mid-run leaves the next look to another.
/// </summary>
public sealed class GarbageCollectionScheduler(
    GarbageCollector collector,
    IOptions<GarbageCollectionOptions> options,
    TimeProvider clock,
    ILogger<GarbageCollectionScheduler> logger) : BackgroundService
{
    // Looks at most this far apart, so a run killed with its silo is retried within this long, not a whole interval later.
    private static readonly TimeSpan MaxLookPeriod = TimeSpan.FromMinutes(15);

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled) return Task.CompletedTask;
        var period = options.Value.Interval < MaxLookPeriod ? options.Value.Interval : MaxLookPeriod;
        if (period <= TimeSpan.Zero) return Task.CompletedTask;
        return PeriodicWork.RunAsync(period, clock, first: false, collector.RunIfDueAsync,
            e => logger.LogWarning(e, "Scheduled garbage collection failed; the next look is in {Period}", period), stoppingToken);
    }
}
