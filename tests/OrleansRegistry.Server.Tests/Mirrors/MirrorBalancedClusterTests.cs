using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using OrleansRegistry.Server.Tests.Infrastructure;
using OrleansRegistry.TestSupport.Mirrors;
using Xunit.Abstractions;

namespace OrleansRegistry.Server.Tests.Mirrors;

/// <summary>
/// The mirror as an operator runs it, <c>scripts/cluster 3</c> behind nginx: eight clients pulling the same cold image
/// at once, spread over the silos by the balancer, cost the upstream each blob once and the tag one check
/// (docs/architecture.md#pull-through-mirror: one fetch per upstream blob in the cluster).
/// </summary>
public sealed class MirrorBalancedClusterTests(MirrorScriptClusterFixture fixture, ITestOutputHelper output)
    : IClassFixture<MirrorScriptClusterFixture>
{
    private const int Pullers = 8;

    [Fact]
    public async Task Eight_concurrent_cold_pulls_through_the_balancer_fetch_each_blob_from_the_upstream_once()
    {
        var repo = TestImages.UniqueRepo("library/crowd");
        var image = await fixture.Upstream.PushImageAsync(repo, "v1", seed: 401);
        byte[] upstreamManifest;
        using (var response = await fixture.Upstream.Client.GetManifestAsync(repo, image.ManifestDigest))
            upstreamManifest = await response.Content.ReadAsByteArrayAsync();
        await fixture.Upstream.SettleAsync();
        var headsBefore = fixture.Upstream.ManifestRequests(repo, "v1", "HEAD");
        using var scratch = new TempDirectory();

        var clock = Stopwatch.StartNew();
        var layouts = Enumerable.Range(0, Pullers).Select(i => new OciLayout(scratch.Child($"puller-{i}"))).ToArray();
        await Task.WhenAll(layouts.Select(layout =>
            Skopeo.CopyAsync($"docker://{fixture.BalancerHost}/{MirrorFixture.Local(repo)}:v1", layout.Reference("v1"))));
        output.WriteLine($"{Pullers} concurrent cold pulls of {image.LargestLayer.Size >> 20} MiB through nginx and {MirrorScriptClusterFixture.Silos} silos: {clock.ElapsedMilliseconds} ms");

        string[] blobs = [ConfigDigest(upstreamManifest), .. image.Layers.Select(l => l.Digest)];
        foreach (var layout in layouts)
        {
            Assert.Equal(image.ManifestDigest, layout.ManifestDigest("v1"));
            Assert.Equal(upstreamManifest, layout.ReadBlob(image.ManifestDigest));
            Assert.Subset(layout.BlobDigests().ToHashSet(), blobs.ToHashSet());
            foreach (var digest in layout.BlobDigests()) Assert.Equal(digest, await FileDigestAsync(layout.BlobPath(digest)));
        }
        // The balancer spread the pulls: more than one silo served them.
        Assert.True(ServingSilos() > 1, string.Join("\n", fixture.Cluster.AccessLog()));

        await fixture.Upstream.SettleAsync();
        var metrics = await MirrorMetricsAsync();
        Assert.All(blobs, digest => Assert.True(fixture.Upstream.BlobGets(digest) == 1,
            $"{digest} fetched {fixture.Upstream.BlobGets(digest)} times:\n{UpstreamLog(digest)}\n{metrics}"));
        Assert.Equal(1, fixture.Upstream.ManifestRequests(repo, "v1", "HEAD") - headsBefore);
    }

    // nginx's access log names the silo (upstream address) each request went to.
    private int ServingSilos() => fixture.Cluster.Silos.Count(silo =>
        fixture.Cluster.AccessLog().Any(line => line.Contains($"127.0.0.1:{silo.HttpPort}", StringComparison.Ordinal)));

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

    /// <summary>Every silo's mirror instruments (which silo asked the upstream what, and how often).</summary>
    private async Task<string> MirrorMetricsAsync()
    {
        var lines = new List<string>();
        foreach (var silo in fixture.Cluster.Silos)
        {
            var text = await silo.Client.GetStringAsync("/metrics");
            lines.AddRange(text.Split('\n').Where(l => l.StartsWith("registry_mirror_", StringComparison.Ordinal)).Select(l => $"silo {silo.Index}: {l}"));
        }
        return string.Join("\n", lines);
    }
}
