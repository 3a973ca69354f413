using System.Net;
using OrleansRegistry.Server.Tests.Infrastructure;
using OrleansRegistry.TestSupport.S3;

namespace OrleansRegistry.Server.Tests.S3;

/// <summary>
/// Three silos on one bucket (no affinity: docs/architecture.md#shape): the chunks of one upload land on different silos, each
/// continuing the multipart upload from the state the previous one saved.
/// </summary>
public sealed class S3ClusterTests(S3Fixture s3) : IClassFixture<S3Fixture>
{
    [Fact] // spec "Pushing a blob in chunks", each request on another silo, the blob store S3
    public async Task A_chunked_upload_sprayed_across_three_silos_commits_in_the_bucket_and_pulls_through_each()
    {
        await using var cluster = await RegistryCluster.CreateAsync(3, s3.ServerSettings());
        var repo = TestImages.UniqueRepo("s3/spread");
        var large = TestImages.RandomBytes(13 * 1024 * 1024 + 11, seed: 821);

        // POST on silo 0, 1 MiB chunks round the cluster (tails, then parts once 8 MiB gathered), PUT on the next.
        var digest = await ChunkedUpload.PushAsync(repo, large, chunk: 1 << 20, silo: i => cluster.Client(i % 3));

        for (var silo = 0; silo < 3; silo++)
        {
            Assert.Equal(0, await UploadMetrics.RereadBytesAsync(cluster.Client(silo)));
            using var get = await cluster.Client(silo).GetAsync($"v2/{repo}/blobs/{digest}");
            Assert.Equal(HttpStatusCode.OK, get.StatusCode);
            Assert.Equal(large, await get.Content.ReadAsByteArrayAsync());
        }
        Assert.Contains($"blobs/sha256/{digest[7..9]}/{digest[7..]}", await s3.KeysAsync("blobs/"));
        Assert.Empty(await s3.MultipartUploadsAsync("uploads/"));
        Assert.Empty(await s3.KeysAsync("uploads/"));
    }
}
