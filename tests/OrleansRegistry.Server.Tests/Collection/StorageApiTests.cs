using System.Net;
using System.Text.Json;
using OrleansRegistry.Server.Tests.Infrastructure;

namespace OrleansRegistry.Server.Tests.Collection;

/// <summary>
/// A registry with the collector's defaults (grace period 1 h): a push racing the collector, the
/// storage usage (admin endpoint and /metrics), and scripts/gc.
/// </summary>
[Collection(DefaultCollectionRegistryCollection.Name)]
public sealed class StorageApiTests(RegistryFixture fixture)
{
    private HttpClient Client => fixture.Client;

    [Fact] // a push racing the collector (blobs uploaded, collector run, manifest put) succeeds and pulls intact
    public async Task A_push_whose_manifest_arrives_after_a_collection_succeeds_and_pulls_intact()
    {
        var repo = TestImages.UniqueRepo("gc-push");
        var config = CollectionApi.Config(1001);
        var layer = TestImages.RandomBytes(4000, 1002);
        await TestImages.PushBlobAsync(Client, repo, config);
        await TestImages.PushBlobAsync(Client, repo, layer);

        var report = await CollectionApi.CollectAsync(Client);
        Assert.DoesNotContain(TestImages.Digest(layer), report.Blobs); // unreferenced, but within the grace period

        await TestImages.PushManifestAsync(Client, repo, "v1", TestImages.ImageManifest(config, [layer]));
        await CollectionApi.AssertPullsAsync(Client, repo, "v1", [config, layer]);
    }

    [Fact] // storage usage per repository (bytes of the blobs its manifests reference, shared blobs counted in each), paginated
    public async Task Storage_usage_counts_each_repository_s_referenced_blobs_and_pages_with_a_link()
    {
        var prefix = TestImages.UniqueRepo("gc-usage");
        var shared = TestImages.RandomBytes(5000, 1011);
        var expected = new Dictionary<string, long>();
        for (var i = 0; i < 3; i++)
        {
            var repo = $"{prefix}/r{i}";
            var config = CollectionApi.Config(1020 + i);
            var own = TestImages.RandomBytes(100 * (i + 1), 1030 + i);
            foreach (var blob in new[] { config, own, shared }) await TestImages.PushBlobAsync(Client, repo, blob);
            // Two manifests referencing the shared blob: it counts once in the repository.
            await TestImages.PushManifestAsync(Client, repo, "a", TestImages.ImageManifest(config, [shared, own]));
            await TestImages.PushManifestAsync(Client, repo, "b", TestImages.ImageManifest(config, [shared]));
            // An unreferenced blob counts nowhere.
            await TestImages.PushBlobAsync(Client, repo, TestImages.RandomBytes(700, 1040 + i));
            expected[repo] = config.Length + own.Length + shared.Length;
        }

        var seen = new Dictionary<string, (long Bytes, long Blobs, long Manifests)>();
        string? next = $"admin/storage?n=1&last={Uri.EscapeDataString(prefix)}";
        var pages = 0;
        while (next is not null && pages++ < 10 && seen.Count < expected.Count)
        {
            using var response = await Client.GetAsync(next.TrimStart('/'));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            var page = body.RootElement.GetProperty("repositories").EnumerateArray().ToList();
            Assert.Single(page); // n=1
            foreach (var entry in page)
                seen[entry.GetProperty("repository").GetString()!] = (entry.GetProperty("bytes").GetInt64(),
                    entry.GetProperty("blobs").GetInt64(), entry.GetProperty("manifests").GetInt64());
            next = TestImages.NextLink(response);
        }

        foreach (var (repo, bytes) in expected)
        {
            Assert.True(seen.TryGetValue(repo, out var usage), $"{repo} not listed; saw {string.Join(", ", seen.Keys)}");
            Assert.Equal((bytes, 3L, 2L), usage);
        }
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), seen.Keys.Order(StringComparer.Ordinal));
    }

    [Fact] // a run reports the bytes reclaimed, also in /metrics; storage per repository in /metrics
    public async Task Metrics_show_collections_and_storage_per_repository()
    {
        var repo = TestImages.UniqueRepo("gc-metrics");
        await TestImages.PushImageAsync(Client, repo, "v1", seed: 1050);
        await CollectionApi.CollectAsync(Client, dryRun: true);

        using var response = await Client.GetAsync("metrics");
        var text = await response.Content.ReadAsStringAsync();

        Assert.Matches(@"(?m)^registry_gc_runs_total\{[^}]*dry_run=""true""[^}]*\} [1-9]", text);
        Assert.Matches(@"(?m)^registry_gc_reclaimed_bytes_total(\{[^}]*\})? \d", text);
        Assert.Matches(@"(?m)^registry_gc_deleted_blobs_total(\{[^}]*\})? \d", text);
        Assert.Matches(@"(?m)^registry_storage_total_bytes(\{[^}]*\})? [1-9]", text);
        // Refreshed after every collection, so the repository pushed above is there with its bytes.
        Assert.Matches($@"(?m)^registry_storage_repository_bytes\{{[^}}]*repository=""{repo}""[^}}]*\}} [1-9]", text);
    }

    [Fact] // scripts/gc [--dry-run] prints the report; a failure exits non-zero with the error
    public async Task Scripts_gc_prints_the_report_of_a_dry_run_and_of_a_real_run()
    {
        var script = Path.Combine(PostgresServer.RepoRoot, "scripts", "gc");
        var url = fixture.Registry.BaseAddress.ToString();

        var dry = await ExternalCommand.RunAsync(script, ["--dry-run", "--url", url], timeout: TimeSpan.FromMinutes(2));
        Assert.True(dry.ExitCode == 0, dry.Stderr);
        using (var report = JsonDocument.Parse(dry.Stdout))
            Assert.True(report.RootElement.GetProperty("dryRun").GetBoolean());
        Assert.Contains("would delete", dry.Stderr);

        var real = await ExternalCommand.RunAsync(script, ["--url", url], timeout: TimeSpan.FromMinutes(2));
        Assert.True(real.ExitCode == 0, real.Stderr);
        using (var report = JsonDocument.Parse(real.Stdout))
        {
            Assert.False(report.RootElement.GetProperty("dryRun").GetBoolean());
            Assert.True(report.RootElement.TryGetProperty("bytesReclaimed", out _));
        }
        Assert.Contains("deleted", real.Stderr);

        var failed = await ExternalCommand.RunAsync(script, ["--url", "http://127.0.0.1:1"], timeout: TimeSpan.FromMinutes(2));
        Assert.NotEqual(0, failed.ExitCode);
        Assert.Contains("gc:", failed.Stderr);
    }
}
