using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace OrleansRegistry.Grains.Manifests;

/// <summary>
/// Runs <see cref="ManifestMigration"/> once the silo has started (grain calls need it), retrying a failed run until it
/// completes or the silo stops. On a database whose migration is recorded it is one query.
/// </summary>
public sealed class ManifestBackfill(
    ManifestMigration migration,
    IGrainFactory grains,
    IHostApplicationLifetime lifetime,
    ILogger<ManifestBackfill> logger) : BackgroundService
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        await using (stoppingToken.Register(() => started.TrySetCanceled(stoppingToken)))
        {
            await started.Task;
        }

        while (true)
        {
            try
            {
                await migration.RunAsync(grains, stoppingToken);
                return;
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(e, "Moving manifests from grain state into rows failed; retrying in {Delay}", RetryDelay);
            }
            await Task.Delay(RetryDelay, stoppingToken);
        }
    }
}
