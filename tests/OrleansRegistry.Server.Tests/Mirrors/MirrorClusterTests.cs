using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using OrleansRegistry.Server.Tests.Infrastructure;
using OrleansRegistry.TestSupport.Mirrors;
using Xunit.Abstractions;

namespace OrleansRegistry.Server.Tests.Mirrors;

/// <summary>
/// The mirror on three real silo processes (docs/architecture.md#pull-through-mirror): a silo that dies mid-fetch
/// commits nothing, its readers get a short body, and the next pull fetches the blob anew on a live silo.
/// </summary>
public sealed class MirrorClusterTests(MirrorClusterFixture fixture, ITestOutputHelper output) : IClassFixture<MirrorClusterFixture>
{
    private string Local(string repo) => MirrorFixture.Local(repo);

    [Fact] // a fetch dies with its silo: nothing committed, its readers' bodies cut short, and the next GET on a live silo fetches it whole
    public async Task A_silo_killed_mid_fetch_commits_nothing_and_the_blob_is_fetched_again_on_a_live_silo()
    {
        var repo = TestImages.UniqueRepo("library/killed");
        var image = await fixture.Upstream.PushImageAsync(repo, "v1", seed: 402, layerBytes: 32 << 20);
        var layer = image.LargestLayer;
        var path = $"/v2/{Local(repo)}/blobs/{layer.Digest}";
        var cluster = fixture.Cluster;
        int? killed = null;

        fixture.Proxy.Throttle(2 << 20); // 16 s for the layer: still running when its silo dies
        try
        {
            // A reader on every silo, each with the headers and its first bytes.
            using var bounded = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            var readers = new List<(HttpResponseMessage Response, Stream Body, long Read)>();
            for (var silo = 0; silo < MirrorClusterFixture.Silos; silo++)
            {
                var response = await cluster.Client(silo).GetAsync(path, HttpCompletionOption.ResponseHeadersRead, bounded.Token);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                Assert.Equal(layer.Size, response.Content.Headers.ContentLength);
                var body = await response.Content.ReadAsStreamAsync(bounded.Token);
                readers.Add((response, body, await body.ReadAtLeastAsync(new byte[64 << 10], 64 << 10, cancellationToken: bounded.Token)));
            }

            killed = await FetchingSiloAsync();
            Assert.Equal(0L, await BlobRowsAsync(layer.Digest));
            var clock = Stopwatch.StartNew();
            cluster.Kill(killed.Value);

            // Every reader's body ends short (an error or the end of the stream), within seconds, never at full length.
            foreach (var (response, body, read) in readers)
            {
                var (total, error) = await ReadToEndAsync(body, read, bounded.Token);
                output.WriteLine($"reader: {total} of {layer.Size} bytes, then {error?.GetType().Name ?? "the end"} after {clock.ElapsedMilliseconds} ms");
                Assert.True(total < layer.Size, $"a reader got all {total} bytes of a fetch whose silo died");
                response.Dispose();
            }
            Assert.Equal(0L, await BlobRowsAsync(layer.Digest));

            fixture.Proxy.PassThrough();
            var survivor = (killed.Value + 1) % MirrorClusterFixture.Silos;
            var (bytes, statuses) = await GetBlobAsync(cluster.Client(survivor), path, bounded.Token);
            output.WriteLine($"kill -9 of the fetching silo {killed} to the blob through silo {survivor}: {clock.ElapsedMilliseconds} ms (answers {string.Join(",", statuses)})");
            Assert.Equal(layer.Digest, TestImages.Digest(bytes));
            await MirrorRequests.CountBecomesAsync(fixture.Cluster.ConnectionString, "blobs WHERE digest = @r", layer.Digest, 1);
            await fixture.Upstream.SettleAsync();
            Assert.Equal(2, fixture.Upstream.BlobGets(layer.Digest));
        }
        finally
        {
            fixture.Proxy.PassThrough();
            if (killed is { } silo) await cluster.StartAsync(silo); // the fixture's cluster whole again
        }
    }

    /// <summary>The silo whose /metrics shows the fetch in flight (<c>registry_mirror_fetches</c> 1).</summary>
    private async Task<int> FetchingSiloAsync()
    {
        var label = $"upstream=\"{fixture.UpstreamNamespace}\"";
        int? found = null;
        await Eventually.TrueAsync(async () =>
        {
            for (var silo = 0; silo < MirrorClusterFixture.Silos && found is null; silo++)
            {
                var metrics = await fixture.Cluster.Client(silo).GetStringAsync("/metrics");
                if (metrics.Split('\n').Any(line => line.StartsWith("registry_mirror_fetches{", StringComparison.Ordinal)
                        && line.Contains(label, StringComparison.Ordinal) && GaugeValue(line) == 1))
                    found = silo;
            }
            return found is not null;
        }, TimeSpan.FromSeconds(10), "a silo to show the fetch in flight", ServerLogs);
        return found!.Value;
    }

    private static double GaugeValue(string line) =>
        double.Parse(line[(line.LastIndexOf('}') + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);

    /// <summary>Reads on from <paramref name="read"/> bytes until the body ends or fails; a hang fails the test.</summary>
    private static async Task<(long Total, Exception? Error)> ReadToEndAsync(Stream body, long read, CancellationToken ct)
    {
        var buffer = new byte[1 << 20];
        try
        {
            while (true)
            {
                var n = await body.ReadAsync(buffer, ct);
                if (n == 0) return (read, null);
                read += n;
            }
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            return (read, e);
        }
    }

    /// <summary>The blob through <paramref name="client"/>, asking again while the cluster recovers (503, never a 500).</summary>
    private static async Task<(byte[] Bytes, List<int> Statuses)> GetBlobAsync(HttpClient client, string path, CancellationToken ct)
    {
        var statuses = new List<int>();
        while (true)
        {
            using var response = await client.GetAsync(path, ct);
            statuses.Add((int)response.StatusCode);
            if (response.StatusCode == HttpStatusCode.OK) return (await response.Content.ReadAsByteArrayAsync(ct), statuses);
            Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable && statuses.Count < 100,
                $"answers {string.Join(",", statuses)}: {await response.Content.ReadAsStringAsync(ct)}");
            await Task.Delay(200, ct);
        }
    }

    private Task<long> BlobRowsAsync(string digest) =>
        MirrorRequests.CountAsync(fixture.Cluster.ConnectionString, "blobs WHERE digest = @r", digest);

    /// <summary>The output of every running silo, for a failure's message.</summary>
    private string ServerLogs() => string.Join("\n", Enumerable.Range(0, MirrorClusterFixture.Silos).Select(i =>
    {
        try { return $"--- silo {i} ---\n{fixture.Cluster.Silo(i).Output}"; }
        catch (InvalidOperationException) { return $"--- silo {i}: not running ---"; }
    }));
}
