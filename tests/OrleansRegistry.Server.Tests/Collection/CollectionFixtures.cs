namespace OrleansRegistry.Server.Tests.Collection;

/// <summary>
/// A registry whose collector has no grace period (an unreferenced blob is garbage at once) and the retention rules the
/// retention tests exercise, one per repository prefix; the first two show that the first match wins.
/// </summary>
public sealed class CollectingRegistryFixture : RegistryFixture
{
    public const string Untouched = "gc-first/untouched";

    public CollectingRegistryFixture()
    {
        Settings["Registry__GarbageCollection__GracePeriod"] = "00:00:00";
        Rule(0, $"{Untouched}/**");
        Rule(1, "gc-first/**", ("KeepNewestTags", "0"));
        Rule(2, "gc-keep/**", ("KeepNewestTags", "2"));
        Rule(3, "gc-old/**", ("DeleteTagsOlderThan", "1.00:00:00"));
        Rule(4, "gc-both/**", ("KeepNewestTags", "1"), ("DeleteTagsOlderThan", "1.00:00:00"));
        Rule(5, "gc-untagged/**", ("DeleteUntaggedOlderThan", "1.00:00:00"));
        Rule(6, "gc-notpulled/**", ("DeleteNotPulledFor", "1.00:00:00"));
        // Pulls written at once, so a test sees them in the table within a moment.
        Settings["Registry__Retention__PullTimeFlushInterval"] = "00:00:00.100";
    }

    private void Rule(int index, string pattern, params (string Key, string Value)[] settings)
    {
        Settings[$"Registry__Retention__Rules__{index}__Repository"] = pattern;
        foreach (var (key, value) in settings) Settings[$"Registry__Retention__Rules__{index}__{key}"] = value;
    }
}

[CollectionDefinition(Name)]
public sealed class CollectingRegistryCollection : ICollectionFixture<CollectingRegistryFixture>
{
    public const string Name = "collecting registry";
}

/// <summary>A registry with the collector's defaults (grace period 1 h).</summary>
[CollectionDefinition(Name)]
public sealed class DefaultCollectionRegistryCollection : ICollectionFixture<RegistryFixture>
{
    public const string Name = "registry with default collection";
}
