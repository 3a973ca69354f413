namespace OrleansRegistry.Grains.Collection;

/// <summary>The collector's settings (configuration section <c>Registry:GarbageCollection</c>).</summary>
public sealed class GarbageCollectionOptions
{
    public const string Section = "Registry:GarbageCollection";

    /// <summary>Scheduled runs; <c>false</c> leaves only runs on demand (POST /admin/gc, scripts/gc).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>A scheduled run starts when no real run finished within this long (whichever silo ran it).</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// A blob uploaded or linked within this long is never collected, referenced or not: the time a client has between
    /// pushing its layers and pushing the manifest that references them.
    /// </summary>
    public TimeSpan GracePeriod { get; set; } = TimeSpan.FromHours(1);

    /// <summary>A pause after each deletion, to spare the blob store (and the database) on a large collection.</summary>
    public TimeSpan PauseBetweenDeletes { get; set; } = TimeSpan.Zero;

    /// <summary>Repositories whose storage /metrics exports (the largest); the rest are in GET /admin/storage.</summary>
    public int MetricsRepositories { get; set; } = 50;

    /// <summary>How often each silo re-reads storage usage for /metrics.</summary>
    public TimeSpan UsageRefreshInterval { get; set; } = TimeSpan.FromMinutes(5);
}
