using Microsoft.Extensions.DependencyInjection;

namespace OrleansRegistry.Grains.Manifests;

/// <summary>What a silo needs for manifest grains: the migration out of grain state and its start-up backfill.</summary>
public static class ManifestHosting
{
    public static IServiceCollection AddManifestRows(this IServiceCollection services)
    {
        services.AddSingleton<ManifestMigration>();
        services.AddHostedService<ManifestBackfill>();
        return services;
    }
}
