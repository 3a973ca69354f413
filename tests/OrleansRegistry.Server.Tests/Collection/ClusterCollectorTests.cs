using System.Net;
using OrleansRegistry.Server.Tests.Infrastructure;

namespace OrleansRegistry.Server.Tests.Collection;

/// <summary>
/// One collector at a time in a cluster (docs/architecture.md#garbage-collection-protocol). Two silo processes on one database and one blob store:
/// while a slow collection runs on one silo (it holds the PostgreSQL advisory lock), the other silo refuses to start
/// a second one; once it has finished, the other silo collects what is left.
/// </summary>
public sealed class ClusterCollectorTests
{
    // PostgresCollectorRuns.CollectorLockKey as pg_locks shows a bigint advisory key: high half classid, low half objid.
    private const string CollectorLockHeld = """
        SELECT count(*) FROM pg_locks
        WHERE locktype = 'advisory' AND granted AND ((classid::bigint << 32) | objid::bigint) = 7428110532
        """;

    [Fact]
    public async Task A_collection_on_one_silo_makes_the_other_silo_refuse_a_second_one()
    {
        await using var cluster = await RegistryCluster.CreateAsync(2, new Dictionary<string, string>
        {
            ["Registry__GarbageCollection__GracePeriod"] = "00:00:00",
            ["Registry__GarbageCollection__PauseBetweenDeletes"] = "00:00:01",
            ["Registry__GarbageCollection__Enabled"] = "false",
        });
        var repo = TestImages.UniqueRepo("gc-cluster");
        var garbage = new List<string>();
        for (var i = 0; i < 4; i++)
            garbage.Add(await TestImages.PushBlobAsync(cluster.Client(i % 2), repo, TestImages.RandomBytes(1200, 890 + i)));

        var first = cluster.Client(0).PostAsync("admin/gc?dry-run=false", null);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (await PostgresSql.ScalarAsync<long>(cluster.ConnectionString, CollectorLockHeld) == 0)
        {
            Assert.True(DateTime.UtcNow < deadline && !first.IsCompleted, "silo 0's collection never held the collector lock");
            await Task.Delay(50);
        }

        using (var second = await cluster.Client(1).PostAsync("admin/gc?dry-run=false", null))
        {
            Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
            Assert.Contains("already running", await second.Content.ReadAsStringAsync());
        }

        using var firstResponse = await first;
        Assert.Equal(HttpStatusCode.OK, firstResponse.StatusCode);
        foreach (var digest in garbage) Assert.False(CollectionApi.StoreHolds(cluster.DataDirectory, digest), $"{digest} was not collected");
        // The lock went with the run: the other silo collects now (nothing is left).
        var after = await CollectionApi.CollectAsync(cluster.Client(1));
        Assert.Equal(0, after.BlobsDeleted);
    }
}
