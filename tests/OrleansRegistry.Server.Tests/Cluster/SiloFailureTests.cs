using System.Diagnostics;
using System.Net;
using OrleansRegistry.Server.Tests.Infrastructure;
using Xunit.Abstractions;

namespace OrleansRegistry.Server.Tests.Cluster;

/// <summary>
/// Losing a silo (docs/architecture.md#consistency-rules: after a 201 the data survives the loss of any silo; grain activations are caches),
/// on three real silo processes. The upload session grain lives on the silo that opened the upload
/// (PreferLocalPlacement), so the test knows which silo to kill.
/// </summary>
public sealed class SiloFailureTests(ITestOutputHelper output)
{
    private const int Chunk = 1 << 20;

    [Fact]
    public async Task Kill_9_of_the_silo_holding_an_upload_mid_chunk_then_the_upload_resumes_elsewhere_and_nothing_is_lost()
    {
        await using var cluster = await RegistryCluster.CreateAsync(3);
        var committed = TestImages.UniqueRepo("before-kill");
        var (image, _) = await TestImages.PushImageAsync(cluster.Client(1), committed, "v1", seed: 91);

        var repo = TestImages.UniqueRepo("kill");
        var data = TestImages.RandomBytes(3 * Chunk, seed: 92);
        var (location, _) = await TestImages.StartUploadAsync(cluster.Client(0), repo); // the session grain is on silo 0
        using (var first = await ChunkedUpload.PatchAsync(cluster.Client(1), location, data, 0, Chunk))
            Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);

        // The second chunk is half sent to silo 0 when silo 0 dies.
        var inFlight = new HeldBackContent(data, Chunk, Chunk, sendFirst: Chunk / 2);
        var dropped = cluster.Client(0).SendAsync(ChunkedUpload.Patch(location, inFlight, Chunk, Chunk));
        await inFlight.FirstPartSent.WaitAsync(TimeSpan.FromSeconds(30));
        var killedAt = Stopwatch.StartNew();
        cluster.Kill(0);
        inFlight.Release();
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => dropped);

        // The client asks another silo where the upload stands: 503 UNAVAILABLE with Retry-After while the cluster
        // recovers, never a 500, then 204 with the committed Range.
        var statuses = new List<int>();
        HttpResponseMessage status;
        while (true)
        {
            status = await cluster.Client(1).GetAsync(location);
            statuses.Add((int)status.StatusCode);
            if (status.StatusCode != HttpStatusCode.ServiceUnavailable || killedAt.Elapsed > TimeSpan.FromSeconds(60)) break;
            Assert.Equal(TimeSpan.FromSeconds(1), status.Headers.RetryAfter?.Delta);
            Assert.Contains("UNAVAILABLE", await TestImages.ErrorCodesAsync(status));
            status.Dispose();
            await Task.Delay(100);
        }
        var recovery = killedAt.Elapsed;
        var figure = $"failover: kill -9 of the session's silo to the first successful request on the session: " +
                     $"{recovery.TotalMilliseconds:F0} ms (target < 5000; answers {string.Join(",", statuses)})";
        output.WriteLine(figure);
        TestFigures.Report(figure);
        Assert.Equal(HttpStatusCode.NoContent, status.StatusCode);
        Assert.Equal($"0-{Chunk - 1}", status.Headers.GetValues("Range").Single());
        status.Dispose();

        using (var resumed = await ChunkedUpload.PatchAsync(cluster.Client(2), location, data, Chunk, 2 * Chunk))
            Assert.Equal(HttpStatusCode.Accepted, resumed.StatusCode);
        var digest = TestImages.Digest(data);
        using (var put = await cluster.Client(1).PutAsync(TestImages.WithDigest(location, digest), null))
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);

        foreach (var silo in new[] { 1, 2 })
        {
            Assert.Equal(data, await cluster.Client(silo).GetByteArrayAsync($"v2/{repo}/blobs/{digest}"));
            using var request = new HttpRequestMessage(HttpMethod.Get, $"v2/{committed}/manifests/v1");
            request.Headers.Accept.ParseAdd(TestImages.OciManifest);
            using var pulled = await cluster.Client(silo).SendAsync(request);
            Assert.Equal(image, await pulled.Content.ReadAsByteArrayAsync());
        }
    }

    [Fact]
    public async Task SIGTERM_of_one_silo_finishes_its_in_flight_request_and_no_request_on_the_others_fails()
    {
        await using var cluster = await RegistryCluster.CreateAsync(3);
        var repo = TestImages.UniqueRepo("drain");
        var (manifest, manifestDigest) = await TestImages.PushImageAsync(cluster.Client(0), repo, "v1", seed: 93);

        // Load on silos 1 and 2 (reads of grains that may live on silo 0, and pushes) for the whole shutdown.
        using var stopLoad = new CancellationTokenSource();
        var failures = new List<string>();
        var load = Enumerable.Range(1, 2).Select(silo => Task.Run(async () =>
        {
            var client = cluster.Client(silo);
            for (var i = 0; !stopLoad.IsCancellationRequested && i < 100_000; i++)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, $"v2/{repo}/manifests/v1");
                request.Headers.Accept.ParseAdd(TestImages.OciManifest);
                using var response = await client.SendAsync(request);
                if (response.StatusCode != HttpStatusCode.OK) lock (failures) failures.Add($"silo {silo} GET: {(int)response.StatusCode}");
                if (i % 20 == 0)
                {
                    using var content = new ByteArrayContent(TestImages.RandomBytes(512, seed: silo * 100_000 + i));
                    var blob = await content.ReadAsByteArrayAsync();
                    using var post = await client.PostAsync($"v2/{repo}/blobs/uploads/?digest={TestImages.Digest(blob)}", content);
                    if (post.StatusCode != HttpStatusCode.Created) lock (failures) failures.Add($"silo {silo} POST: {(int)post.StatusCode}");
                }
            }
        })).ToArray();

        // A chunk half sent to silo 0 when it is told to stop: the drain lets it finish.
        var data = TestImages.RandomBytes(Chunk, seed: 94);
        var (location, _) = await TestImages.StartUploadAsync(cluster.Client(0), repo);
        var inFlight = new HeldBackContent(data, 0, Chunk, sendFirst: Chunk / 2);
        var patch = cluster.Client(0).SendAsync(ChunkedUpload.Patch(location, inFlight, 0, Chunk));
        await inFlight.FirstPartSent.WaitAsync(TimeSpan.FromSeconds(30));

        var stopping = cluster.StopAsync(0);
        await cluster.Silo(0).WaitForOutputAsync(RegistryProcess.ShutdownStarted, TimeSpan.FromSeconds(30)); // draining
        inFlight.Release();
        using (var finished = await patch)
            Assert.Equal(HttpStatusCode.Accepted, finished.StatusCode);
        await stopping;

        await Task.Delay(2_000); // the cluster without silo 0, still under load
        stopLoad.Cancel();
        await Task.WhenAll(load);
        Assert.True(failures.Count == 0, string.Join("\n", failures) + "\n" + cluster.Silo(1).Output + cluster.Silo(2).Output);

        // The upload that silo 0 accepted continues on another silo from its committed offset.
        using var status = await cluster.Client(1).GetAsync(location);
        Assert.Equal(HttpStatusCode.NoContent, status.StatusCode);
        Assert.Equal($"0-{Chunk - 1}", status.Headers.GetValues("Range").Single());
        using var put = await cluster.Client(2).PutAsync(TestImages.WithDigest(location, TestImages.Digest(data)), null);
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        Assert.Equal(manifestDigest, TestImages.Digest(manifest));
    }
}
