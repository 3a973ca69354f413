using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansRegistry.Grains.Background;
using OrleansRegistry.Grains.Abstractions;
using OrleansRegistry.Storage.Blobs;
using OrleansRegistry.Storage.Index;

namespace OrleansRegistry.Grains.Uploads;

/// <summary>
/// Removes abandoned uploads: sessions idle longer than the expiry (through their grain, which knows whether a
/// writer is active), and upload data that never had a session (a create whose session state was never written),
/// which the grain, holding no state, deletes from the blob store without one.
/// </summary>
public sealed class UploadExpirySweeper(
    IGrainFactory grains,
    IRegistryIndex index,
    IBlobStore blobs,
    IOptions<UploadOptions> options,
    TimeProvider clock,
    ILogger<UploadExpirySweeper> logger) : BackgroundService
{
    private const int BatchSize = 500;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        PeriodicWork.RunAsync(options.Value.SweepInterval, clock, first: true, SweepOnceAsync,
            e => logger.LogWarning(e, "Upload expiry sweep failed; retrying at the next interval"), stoppingToken);

    public async Task<int> SweepOnceAsync(CancellationToken ct)
    {
        var idleSince = clock.GetUtcNow() - options.Value.Expiry;
        var expired = 0;
        // Any silo may sweep: the session grain (one activation in the cluster) decides and deletes, so two sweeps
        // never delete one session's data twice or while its writer holds the lease.
        var ids = await index.ListExpiredUploadsAsync(idleSince, BatchSize, ct);
        foreach (var id in ids)
            if (await ExpireAsync(id, idleSince)) expired++;

        await foreach (var id in blobs.ListUploadsAsync(idleSince, ct))
            if (await ExpireAsync(id, idleSince)) expired++;

        if (expired > 0) logger.LogInformation("Expired {Count} abandoned upload sessions", expired);
        return expired;
    }

    private async Task<bool> ExpireAsync(string id, DateTimeOffset idleSince)
    {
        if (Guid.TryParseExact(id, "D", out var uploadId))
            return await grains.UploadSession(uploadId).ExpireIfIdle(idleSince);
        logger.LogWarning("Upload {Id} in the index or blob store is not an upload id; left alone", id);
        return false;
    }
}
