using Microsoft.Extensions.Diagnostics.HealthChecks;
using OrleansRegistry.Storage.Blobs;

namespace OrleansRegistry.Server.Observability.Health;

/// <summary>Readiness: the blob store takes writes (for the filesystem store, its directories are writable).</summary>
public sealed class BlobStoreHealthCheck(IBlobStore store) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await store.CheckAsync(cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy($"blob store not writable: {e.Message}");
        }
    }
}
