using System.Net;
using OrleansRegistry.Server.Tests.Infrastructure;

namespace OrleansRegistry.Server.Tests.Collection;

/// <summary>
/// The collector killed halfway and run again finishes the job, and one collector runs at a time.
/// Its own server: a slow collector (a pause after each deletion) with no grace period, killed with SIGKILL.
/// </summary>
public sealed class CollectorKillTests : IAsyncLifetime
{
    private readonly RegistryFixture _fixture = new();

    public CollectorKillTests()
    {
        _fixture.Settings["Registry__GarbageCollection__GracePeriod"] = "00:00:00";
        _fixture.Settings["Registry__GarbageCollection__PauseBetweenDeletes"] = "00:00:05";
    }

    public Task InitializeAsync() => _fixture.InitializeAsync();

    public Task DisposeAsync() => _fixture.DisposeAsync();

    [Fact]
    public async Task A_collector_killed_halfway_is_finished_by_the_next_run_and_a_second_collector_is_refused_meanwhile()
    {
        var repo = TestImages.UniqueRepo("gc-kill");
        var digests = new List<string>();
        for (var i = 0; i < 5; i++) digests.Add(await TestImages.PushBlobAsync(_fixture.Client, repo, TestImages.RandomBytes(1000, 870 + i)));

        var first = _fixture.Client.PostAsync("admin/gc?dry-run=false", null);
        await _fixture.Registry.WaitForOutputAsync("Garbage collection deleted blob", TimeSpan.FromSeconds(60));

        // The first run holds the cluster's collector lock: a second one is refused with a clear answer.
        using (var second = await _fixture.Client.PostAsync("admin/gc?dry-run=true", null))
        {
            Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
            Assert.Contains("already running", await second.Content.ReadAsStringAsync());
        }

        _fixture.Registry.Kill();
        await Assert.ThrowsAnyAsync<Exception>(() => first); // the connection died with the server
        var left = digests.Where(d => CollectionApi.StoreHolds(_fixture.DataDirectory, d)).ToList();
        Assert.NotEmpty(left); // killed halfway: 5 s pauses after each deletion, killed after the first

        _fixture.Settings["Registry__GarbageCollection__PauseBetweenDeletes"] = "00:00:00";
        await _fixture.RestartAsync();
        var report = await CollectionApi.CollectAsync(_fixture.Client);

        foreach (var digest in left) Assert.Contains(digest, report.Blobs);
        foreach (var digest in digests)
        {
            Assert.False(CollectionApi.StoreHolds(_fixture.DataDirectory, digest), $"{digest} is still in the blob store");
            Assert.False(await CollectionApi.BlobKnownAsync(_fixture.Client, repo, digest));
        }
        Assert.Equal(0L, await PostgresSql.ValueAsync(_fixture.ConnectionString, "SELECT count(*) FROM blobs WHERE deleting"));
    }
}
