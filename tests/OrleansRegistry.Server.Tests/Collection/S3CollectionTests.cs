using System.Net;
using OrleansRegistry.Server.Tests.Infrastructure;
using OrleansRegistry.TestSupport.S3;

namespace OrleansRegistry.Server.Tests.Collection;

/// <summary>A registry on S3 (moto) whose collector has no grace period.</summary>
public sealed class S3CollectingRegistryFixture() : S3RegistryFixture(new Dictionary<string, string>
{
    ["Registry__GarbageCollection__GracePeriod"] = "00:00:00",
});

/// <summary>
/// Online garbage collection on the S3 store: the collector deletes through the store's own contract, so a deleted
/// image's unique layers leave the bucket and the shared ones stay.
/// </summary>
public sealed class S3CollectionTests(S3CollectingRegistryFixture fixture) : IClassFixture<S3CollectingRegistryFixture>
{
    private HttpClient Client => fixture.Server.Client;

    [Fact] // deleting an image reclaims its unique layers and keeps the shared ones, blobs in a bucket
    public async Task Deleting_an_image_removes_its_unique_objects_from_the_bucket_and_keeps_the_shared_ones()
    {
        var repo = TestImages.UniqueRepo("s3/gc");
        var shared = TestImages.RandomBytes(4000, 1201);
        var (configA, uniqueA) = (CollectionApi.Config(1202), TestImages.RandomBytes(3000, 1203));
        var (configB, uniqueB) = (CollectionApi.Config(1204), TestImages.RandomBytes(3500, 1205));
        foreach (var blob in new[] { shared, configA, uniqueA, configB, uniqueB }) await TestImages.PushBlobAsync(Client, repo, blob);
        var digestA = await TestImages.PushManifestAsync(Client, repo, "a", TestImages.ImageManifest(configA, [shared, uniqueA]));
        await TestImages.PushManifestAsync(Client, repo, "b", TestImages.ImageManifest(configB, [shared, uniqueB]));
        using (var delete = await Client.DeleteAsync($"v2/{repo}/manifests/{digestA}"))
            Assert.Equal(HttpStatusCode.Accepted, delete.StatusCode);

        var report = await CollectionApi.CollectAsync(Client);

        var keys = await fixture.S3.KeysAsync("blobs/");
        foreach (var gone in new[] { configA, uniqueA })
        {
            Assert.Contains(TestImages.Digest(gone), report.Blobs);
            Assert.DoesNotContain(Key(gone), keys);
        }
        foreach (var kept in new[] { shared, configB, uniqueB }) Assert.Contains(Key(kept), keys);
        await CollectionApi.AssertPullsAsync(Client, repo, "b", [configB, shared, uniqueB]);
    }

    private static string Key(byte[] blob)
    {
        var hex = TestImages.Digest(blob)["sha256:".Length..];
        return $"blobs/sha256/{hex[..2]}/{hex}";
    }
}
