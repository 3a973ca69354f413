using OrleansRegistry.Grains.Mirrors;
using OrleansRegistry.Server.Mirrors;

namespace OrleansRegistry.Server.Hosting;

/// <summary>Wires the pull-through mirrors (Registry:Mirrors): checked at start, so a bad entry stops the silo with its reason.</summary>
public static class MirrorHosting
{
    public static WebApplicationBuilder AddRegistryMirrors(this WebApplicationBuilder builder)
    {
        var mirrors = builder.Configuration.GetSection(MirrorOptions.Section).Get<List<MirrorOptions>>() ?? [];
        var services = builder.Services;
        services.AddMirrorGrainServices(mirrors);
        services.AddSingleton<MirroredBlobs>();
        return builder;
    }
}
