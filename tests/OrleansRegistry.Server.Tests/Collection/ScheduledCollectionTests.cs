using OrleansRegistry.Server.Tests.Infrastructure;

namespace OrleansRegistry.Server.Tests.Collection;

/// <summary>
/// The collector runs on a schedule: with no one calling the endpoint, an unreferenced blob goes, and
/// runs are recorded (gc_runs) no closer together than the interval. Its own server: a 2 s interval, no grace period.
/// </summary>
public sealed class ScheduledCollectionTests : IAsyncLifetime
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);
    private readonly RegistryFixture _fixture = new();

    public ScheduledCollectionTests()
    {
        _fixture.Settings["Registry__GarbageCollection__GracePeriod"] = "00:00:00";
        _fixture.Settings["Registry__GarbageCollection__Interval"] = Interval.ToString("c");
    }

    public Task InitializeAsync() => _fixture.InitializeAsync();

    public Task DisposeAsync() => _fixture.DisposeAsync();

    [Fact]
    public async Task A_scheduled_run_collects_without_a_request_and_runs_keep_the_interval_apart()
    {
        var repo = TestImages.UniqueRepo("gc-scheduled");
        var digest = await TestImages.PushBlobAsync(_fixture.Client, repo, TestImages.RandomBytes(900, 1101));

        await Eventually.TrueAsync(async () => !CollectionApi.StoreHolds(_fixture.DataDirectory, digest) && await RunsAsync() >= 2,
            TimeSpan.FromSeconds(90), "a scheduled collection to take the blob, and a second run");

        Assert.False(await CollectionApi.BlobKnownAsync(_fixture.Client, repo, digest));
        // Each run starts only when none finished within the interval (the schedule's rule, read under the lock).
        var closest = (TimeSpan)(await PostgresSql.ValueAsync(_fixture.ConnectionString, """
            SELECT min(started_at - previous) FROM (
                SELECT started_at, lag(finished_at) OVER (ORDER BY started_at) AS previous FROM gc_runs WHERE NOT dry_run
            ) runs WHERE previous IS NOT NULL
            """))!;
        Assert.True(closest >= Interval - TimeSpan.FromMilliseconds(50), $"two runs {closest} apart, interval {Interval}");
    }

    private async Task<long> RunsAsync() =>
        (long)(await PostgresSql.ValueAsync(_fixture.ConnectionString, "SELECT count(*) FROM gc_runs WHERE NOT dry_run"))!;
}
