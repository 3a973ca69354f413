namespace OrleansRegistry.TestSupport.Mirrors;

/// <summary>
/// A mirror whose cache is evicted by pulls: the retention rule <c>DeleteNotPulledFor</c> (<see cref="NotPulledFor"/>)
/// over everything under the prefix, a collector without grace period (an unreferenced blob is garbage at once) that
/// runs only on demand (a scheduled run would race the test's own), and pull times written within a moment.
/// </summary>
public sealed class EvictingMirrorFixture : MirrorRegistryFixture
{
    public static readonly TimeSpan NotPulledFor = TimeSpan.FromDays(1);

    protected override void Configure(Dictionary<string, string> settings)
    {
        settings["Registry__GarbageCollection__Enabled"] = "false";
        settings["Registry__GarbageCollection__GracePeriod"] = "00:00:00";
        settings["Registry__Retention__Rules__0__Repository"] = $"{Prefix}/**";
        settings["Registry__Retention__Rules__0__DeleteNotPulledFor"] = NotPulledFor.ToString("c");
        settings["Registry__Retention__PullTimeFlushInterval"] = "00:00:00.100";
    }
}
