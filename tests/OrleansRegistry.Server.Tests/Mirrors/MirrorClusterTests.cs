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
/// The mirror on three real silo processes (docs/architecture.md#pull-through-mirror): the cluster fetches each
/// upstream blob once, whichever silos its pullers reach; a silo that dies mid-fetch commits nothing, its readers get
/// a short body, and the next pull fetches the blob anew on a live silo.
/// </summary>
public sealed class MirrorClusterTests(MirrorClusterFixture fixture, ITestOutputHelper output) : IClassFixture<MirrorClusterFixture>
{
    private const int Pullers = 8;

    private string Local(string repo) => MirrorFixture.Local(repo);

    [Fact] // one fetch per blob in the cluster, and one upstream check of a tag per TagCheckInterval, however many pull it at once
    public async Task Eight_concurrent_cold_pulls_through_three_silos_fetch_each_blob_from_the_upstream_once()
    {
        var repo = TestImages.UniqueRepo("library/crowd");
        var image = await fixture.Upstream.PushImageAsync(repo, "v1", seed: 401);
        byte[] upstreamManifest;
        using (var response = await fixture.Upstream.Client.GetManifestAsync(repo, image.ManifestDigest))
            upstreamManifest = await response.Content.ReadAsByteArrayAsync();
        var config = ConfigDigest(upstreamManifest);
        await fixture.Upstream.SettleAsync();
        var headsBefore = fixture.Upstream.ManifestRequests(repo, "v1", "HEAD");
        using var scratch = new TempDirectory();

        var clock = Stopwatch.StartNew();
        var layouts = Enumerable.Range(0, Pullers).Select(i => new OciLayout(scratch.Child($"puller-{i}"))).ToArray();
        await Task.WhenAll(layouts.Select((layout, i) =>
            Skopeo.CopyAsync($"docker://{fixture.MirrorHost(i % MirrorClusterFixture.Silos)}/{Local(repo)}:v1", layout.Reference("v1"))));
        output.WriteLine($"{Pullers} concurrent cold pulls of {image.LargestLayer.Size >> 20} MiB through {MirrorClusterFixture.Silos} silos: {clock.ElapsedMilliseconds} ms");

        string[] blobs = [config, .. image.Layers.Select(l => l.Digest)];
        foreach (var layout in layouts)
        {
            Assert.Equal(image.ManifestDigest, layout.ManifestDigest("v1"));
            Assert.Equal(upstreamManifest, layout.ReadBlob(image.ManifestDigest));
            Assert.Subset(layout.BlobDigests().ToHashSet(), blobs.ToHashSet());
            foreach (var digest in layout.BlobDigests()) Assert.Equal(digest, await FileDigestAsync(layout.BlobPath(digest)));
        }

        await fixture.Upstream.SettleAsync();
        var metrics = await MirrorMetricsAsync();
        Assert.All(blobs, digest => Assert.True(fixture.Upstream.BlobGets(digest) == 1,
            $"{digest} fetched {fixture.Upstream.BlobGets(digest)} times:\n{UpstreamLog(digest)}\n" +
            $"blob sizes: {string.Join(", ", image.Layers.Select(l => $"{l.Digest} {l.Size}"))}, config {new FileInfo(layouts[0].BlobPath(config)).Length}\n" +
            $"{metrics}\n{ServerLogs()}"));
        Assert.Equal(1, fixture.Upstream.ManifestRequests(repo, "v1", "HEAD") - headsBefore);
    }

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

    private static string ConfigDigest(byte[] manifest)
    {
        using var json = JsonDocument.Parse(manifest);
        return json.RootElement.GetProperty("config").GetProperty("digest").GetString()!;
    }

    private static async Task<string> FileDigestAsync(string path)
    {
        await using var file = File.OpenRead(path);
        return "sha256:" + Convert.ToHexStringLower(await SHA256.HashDataAsync(file));
    }

    /// <summary>What the upstream logged for <paramref name="digest"/>, one request a line.</summary>
    private string UpstreamLog(string digest) => string.Join("\n", fixture.Upstream.Requests
        .Where(r => r.Path.EndsWith(digest, StringComparison.Ordinal))
        .Select(r => $"{r.Time:HH:mm:ss} {r.Method} {r.Target} {r.Status} {r.Bytes} \"{r.UserAgent}\""));

    /// <summary>Every running silo's mirror instruments (which silo asked the upstream what, and how often).</summary>
    private async Task<string> MirrorMetricsAsync()
    {
        var lines = new List<string>();
        for (var silo = 0; silo < MirrorClusterFixture.Silos; silo++)
        {
            var text = await fixture.Cluster.Client(silo).GetStringAsync("/metrics");
            lines.AddRange(text.Split('\n').Where(l => l.StartsWith("registry_mirror_", StringComparison.Ordinal)).Select(l => $"silo {silo}: {l}"));
        }
        return string.Join("\n", lines);
    }

    /// <summary>The output of every running silo, for a failure's message.</summary>
    private string ServerLogs() => string.Join("\n", Enumerable.Range(0, MirrorClusterFixture.Silos).Select(i =>
    {
        try { return $"--- silo {i} ---\n{fixture.Cluster.Silo(i).Output}"; }
        catch (InvalidOperationException) { return $"--- silo {i}: not running ---"; }
    }));
}
