using System.Net;
using System.Net.Http.Headers;
using System.Text;
using OrleansRegistry.Server.Tests.Infrastructure;

namespace OrleansRegistry.Server.Tests.Cluster;

/// <summary>
/// docs/architecture.md#shape and #consistency-rules on three real silo processes (one PostgreSQL, one blob directory): any silo serves any
/// request, and what one silo acknowledged with 201 the others serve at once, never a stale tag.
/// </summary>
public sealed class ClusterConsistencyTests : IClassFixture<ClusterConsistencyTests.ThreeSilos>
{
    private readonly RegistryCluster _cluster;

    public ClusterConsistencyTests(ThreeSilos cluster) => _cluster = cluster;

    public sealed class ThreeSilos() : RegistryCluster(3);

    [Fact] // spec: "Pushing a blob in chunks", with each request on another silo
    public async Task An_image_pushed_through_different_silos_pulls_byte_identical_through_each()
    {
        var repo = TestImages.UniqueRepo("spread");
        var config = Encoding.UTF8.GetBytes("{\"architecture\":\"amd64\",\"os\":\"linux\"}");
        var small = TestImages.RandomBytes(5_000, seed: 61);
        var large = TestImages.RandomBytes(3 << 20, seed: 62);

        await TestImages.PushBlobAsync(_cluster.Client(0), repo, config);
        await TestImages.PushBlobAsync(_cluster.Client(1), repo, small);
        // POST on silo 2, one chunk on each silo, PUT on silo 1: the chunks of one upload sprayed over the cluster.
        await ChunkedUpload.PushAsync(repo, large, chunk: 1 << 20, silo: i => _cluster.Client((i + 2) % 3));
        var manifest = TestImages.ImageManifest(config, [small, large]);
        using (var put = await TestImages.PutManifestAsync(_cluster.Client(2), repo, "v1", manifest))
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);

        // Each chunk continued the hash state the previous silo saved: no silo read the upload back (issue: re-read 0).
        for (var silo = 0; silo < 3; silo++)
            Assert.Equal(0, await UploadMetrics.RereadBytesAsync(_cluster.Client(silo)));

        for (var silo = 0; silo < 3; silo++)
        {
            var client = _cluster.Client(silo);
            Assert.Equal(manifest, await GetBytesAsync(client, $"v2/{repo}/manifests/v1", TestImages.OciManifest));
            foreach (var blob in new[] { config, small, large })
                Assert.Equal(blob, await GetBytesAsync(client, $"v2/{repo}/blobs/{TestImages.Digest(blob)}"));
        }
    }

    [Fact] // a tag moves atomically (docs/architecture.md#consistency-rules): after the 201 no silo serves the old digest
    public async Task After_a_201_from_one_silo_every_other_silo_serves_the_new_tag_manifest_and_blob_at_once()
    {
        var repo = TestImages.UniqueRepo("fresh");
        var config = Encoding.UTF8.GetBytes("{\"os\":\"linux\"}");
        await TestImages.PushBlobAsync(_cluster.Client(0), repo, config);

        for (var round = 0; round < 12; round++)
        {
            var writer = round % 3;
            var layer = TestImages.RandomBytes(1_000 + round, seed: 700 + round);
            var layerDigest = await TestImages.PushBlobAsync(_cluster.Client(writer), repo, layer);
            var manifest = TestImages.ImageManifest(config, [layer]);
            using (var put = await TestImages.PutManifestAsync(_cluster.Client(writer), repo, "moving", manifest))
                Assert.Equal(HttpStatusCode.Created, put.StatusCode);

            foreach (var reader in Enumerable.Range(0, 3).Where(r => r != writer))
            {
                var client = _cluster.Client(reader);
                Assert.Equal(manifest, await GetBytesAsync(client, $"v2/{repo}/manifests/moving", TestImages.OciManifest));
                using var head = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"v2/{repo}/blobs/{layerDigest}"));
                Assert.Equal(HttpStatusCode.OK, head.StatusCode);
                var tags = await client.GetStringAsync($"v2/{repo}/tags/list");
                Assert.Contains("\"moving\"", tags);
            }
        }
    }

    private static async Task<byte[]> GetBytesAsync(HttpClient client, string path, string? accept = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (accept is not null) request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(accept));
        using var response = await client.SendAsync(request);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {client.BaseAddress}{path}: {(int)response.StatusCode}");
        return await response.Content.ReadAsByteArrayAsync();
    }
}
