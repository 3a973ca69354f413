using System.Diagnostics;
using System.Net;
using OrleansRegistry.Server.Tests.Infrastructure;
using OrleansRegistry.TestSupport;

namespace OrleansRegistry.Server.Tests.Api;

/// <summary>Blob uploads whose chunk is cut off mid-body (spec: "Pushing a blob in chunks", end-13 to resume).</summary>
[Collection(RegistryCollection.Name)]
public sealed class UploadInterruptionTests(RegistryFixture fixture) : UploadApiTestBase(fixture)
{
    [Fact] // a client that drops mid-chunk leaves the committed offset where it was (docs/architecture.md#upload-state-machine); spec: 416 + GET to resume
    public async Task A_chunk_cut_off_mid_body_leaves_the_offset_and_a_retry_at_that_offset_succeeds()
    {
        var repo = TestImages.UniqueRepo("up-drop");
        var data = TestImages.RandomBytes(3000, 151);
        var digest = TestImages.Digest(data);
        var (location, uuid) = await StartWithChunkAsync(repo, data, 999);

        // Chunk 1000-1999 declared in full, but only 400 of its bytes arrive before the connection goes away.
        await using (var cut = await StartChunkAsync(Fixture.Registry.BaseAddress, location, 1000, "1000-1999"))
        {
            await cut.SendAsync(data.AsMemory(1000, 400));
            // The server has the lease and wrote the partial bytes: the case where a tail must be discarded.
            await Eventually.TrueAsync(() => UploadDataLength(uuid) == 1400, SignalTimeout, "the server to write the partial chunk");
            cut.Drop();
        }

        await AssertRangeAsync(location, "0-999");
        // Retry the whole chunk; until the server has noticed the drop and released the lease it answers 416 with
        // the committed range (never anything else), so retry that, bounded.
        var watch = Stopwatch.StartNew();
        HttpResponseMessage retry;
        while (true)
        {
            retry = await SendAsync(HttpMethod.Patch, location, Chunk(data, 1000, 1999));
            if (retry.StatusCode != HttpStatusCode.RequestedRangeNotSatisfiable || watch.Elapsed > SignalTimeout) break;
            Assert.Equal("0-999", TestImages.HeaderValue(retry, "Range"));
            retry.Dispose();
            await Task.Delay(100);
        }
        using (retry)
        {
            Assert.Equal(HttpStatusCode.Accepted, retry.StatusCode);
            Assert.Equal("0-1999", TestImages.HeaderValue(retry, "Range"));
        }

        using var put = await SendAsync(HttpMethod.Put, TestImages.WithDigest(location, digest), Chunk(data, 2000, 2999));
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        Assert.Equal(data, await PullAsync($"/v2/{repo}/blobs/{digest}"));
    }
}
