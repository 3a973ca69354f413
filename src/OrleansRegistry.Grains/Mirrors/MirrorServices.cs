using Microsoft.Extensions.DependencyInjection;

namespace OrleansRegistry.Grains.Mirrors;

/// <summary>What the mirror grains (and the manifest grain, for a mirrored miss) take from a silo's services.</summary>
public static class MirrorServices
{
    /// <summary>Registers the mirrors <paramref name="mirrors"/> (checked now: a bad entry throws with its reason) and their helpers.</summary>
    public static IServiceCollection AddMirrorGrainServices(this IServiceCollection services, IReadOnlyList<MirrorOptions> mirrors)
    {
        services.AddSingleton(new MirrorSet(mirrors));
        services.AddSingleton<MirrorMetrics>();
        services.AddSingleton<MirrorAuditLog>();
        services.AddSingleton<UpstreamRegistries>();
        services.AddSingleton<MirroredManifests>();
        return services;
    }
}
