using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using OrleansRegistry.Server.Tests.Infrastructure;
using OrleansRegistry.TestSupport.Mirrors;

namespace OrleansRegistry.Server.Tests.Mirrors;

/// <summary>
/// A cold blob is streamed while it arrives, not stored first and served after: with the upstream held to a trickle,
/// the client has its first bytes (and a range of what arrived) long before the upstream has sent the blob; the fetch
/// is one upstream GET however many readers join it, and it outlives a reader that disconnects.
/// </summary>
public sealed class MirrorBlobStreamingTests(MirrorRegistryFixture fixture) : IClassFixture<MirrorRegistryFixture>
{
    private const int LayerBytes = 32 << 20;
    private const int Trickle = 1 << 20; // bytes per second from the upstream while a test acts mid-fetch

    private HttpClient Client => fixture.Mirror.Client;

    [Fact] // the first bytes come while the fetch runs; a range of arrived bytes is served then too; one upstream GET
    public async Task A_cold_blob_streams_to_its_readers_while_the_upstream_is_still_sending_it()
    {
        var (path, digest, size) = await PushColdLayerAsync(seed: 401);

        var before = fixture.Proxy.BytesToClient;
        fixture.Proxy.Throttle(Trickle);
        try
        {
            using var response = await Client.GetAsync(path, HttpCompletionOption.ResponseHeadersRead);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(size, response.Content.Headers.ContentLength);
            await using var body = await response.Content.ReadAsStreamAsync();
            var head = new byte[256 * 1024];
            await body.ReadExactlyAsync(head);
            // The upstream has sent a small part of the blob: the client did not wait for the whole of it.
            var sent = fixture.Proxy.BytesToClient - before;
            Assert.True(sent < size / 2, $"the upstream had sent {sent} of {size} bytes");

            using var range = new HttpRequestMessage(HttpMethod.Get, path);
            range.Headers.Range = new RangeHeaderValue(1000, 1999);
            using var partial = await Client.SendAsync(range);
            Assert.Equal(HttpStatusCode.PartialContent, partial.StatusCode);
            Assert.Equal(head[1000..2000], await partial.Content.ReadAsByteArrayAsync());

            fixture.Proxy.PassThrough();
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            hash.AppendData(head);
            var rest = new byte[1 << 20];
            int read;
            while ((read = await body.ReadAsync(rest)) > 0) hash.AppendData(rest, 0, read);
            Assert.Equal(digest, "sha256:" + Convert.ToHexStringLower(hash.GetHashAndReset()));
        }
        finally
        {
            fixture.Proxy.PassThrough();
        }
        await fixture.Upstream.SettleAsync();
        Assert.Equal(1, fixture.Upstream.BlobGets(digest));
    }

    [Fact] // a client that disconnects does not stop the fetch: the blob is committed and served from the cache after
    public async Task A_reader_that_disconnects_leaves_the_fetch_running_to_its_commit()
    {
        var (path, digest, _) = await PushColdLayerAsync(seed: 402);

        fixture.Proxy.Throttle(Trickle);
        try
        {
            using (var response = await Client.GetAsync(path, HttpCompletionOption.ResponseHeadersRead))
            await using (var body = await response.Content.ReadAsStreamAsync())
                await body.ReadExactlyAsync(new byte[64 * 1024]);
        }
        finally
        {
            fixture.Proxy.PassThrough();
        }

        await MirrorRequests.CountBecomesAsync(fixture.Mirror.ConnectionString, "blobs WHERE digest = @r", digest, 1);
        Assert.Equal(digest, TestImages.Digest(await Client.GetByteArrayAsync(path)));
        await fixture.Upstream.SettleAsync();
        Assert.Equal(1, fixture.Upstream.BlobGets(digest));
    }

    private async Task<(string Path, string Digest, long Size)> PushColdLayerAsync(int seed)
    {
        var repo = TestImages.UniqueRepo("library/stream");
        var layer = (await fixture.Upstream.PushImageAsync(repo, "v1", seed, LayerBytes)).LargestLayer;
        return ($"/v2/{MirrorRegistryFixture.Local(repo)}/blobs/{layer.Digest}", layer.Digest, layer.Size);
    }
}
