using Microsoft.Extensions.DependencyInjection;

namespace OrleansRegistry.Grains.Manifests;

/// <summary>What a silo needs for manifest grains: moving old grain state into rows as part of its start.</summary>
public static class ManifestHosting
{
    public static IServiceCollection AddManifestRows(this IServiceCollection services)
    {
        services.AddSingleton<ManifestStateMove>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, ManifestStateMoveAtStart>();
        return services;
    }
}
