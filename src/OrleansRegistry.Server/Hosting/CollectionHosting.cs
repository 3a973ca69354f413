using OrleansRegistry.Grains.Collection;
using OrleansRegistry.Storage.Collection;

namespace OrleansRegistry.Server.Hosting;

/// <summary>
/// Wires the garbage collector, its schedule, retention rules, the pull times they read and storage usage
/// (Registry:GarbageCollection, Registry:Retention).
/// </summary>
public static class CollectionHosting
{
    public static WebApplicationBuilder AddRegistryCollection(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.Configure<GarbageCollectionOptions>(builder.Configuration.GetSection(GarbageCollectionOptions.Section));
        services.Configure<RetentionOptions>(builder.Configuration.GetSection(RetentionOptions.Section));
        services.AddSingleton<ICollectorRuns, PostgresCollectorRuns>();
        services.AddSingleton<IGarbageQueries, PostgresGarbageQueries>();
        services.AddSingleton<IStorageUsage, PostgresStorageUsage>();
        services.AddSingleton<RetentionRules>();
        services.AddSingleton<CollectionMetrics>();
        services.AddSingleton<StorageUsageMonitor>();
        services.AddHostedService(sp => sp.GetRequiredService<StorageUsageMonitor>());
        services.AddSingleton<GarbageCollector>();
        services.AddHostedService<GarbageCollectionScheduler>();
        // Registered before the web server starts (WebApplication adds it at Build), so stopped after it: the last flush
        // comes after the last pull served.
        services.AddSingleton<IPullTimes, PostgresPullTimes>();
        services.AddSingleton<PullTimeRecorder>();
        services.AddHostedService(sp => sp.GetRequiredService<PullTimeRecorder>());
        return builder;
    }

    /// <summary>Fails at start on a malformed retention rule, before any collection could apply it.</summary>
    public static WebApplication CheckRegistryCollection(this WebApplication app)
    {
        app.Services.GetRequiredService<RetentionRules>();
        return app;
    }
}
