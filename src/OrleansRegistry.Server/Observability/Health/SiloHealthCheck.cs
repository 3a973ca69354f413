using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace OrleansRegistry.Server.Observability.Health;

/// <summary>
/// Readiness: this silo is Active in the cluster's membership. A silo still joining, shutting down or declared dead
/// cannot host grains, so its front end should get no traffic.
/// </summary>
public sealed class SiloHealthCheck(IClusterMembershipService membership, ILocalSiloDetails silo) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var status = membership.CurrentSnapshot.GetSiloStatus(silo.SiloAddress);
        var description = $"silo {silo.SiloAddress} is {status}";
        return Task.FromResult(status == SiloStatus.Active
            ? HealthCheckResult.Healthy(description)
            : HealthCheckResult.Unhealthy(description));
    }
}
