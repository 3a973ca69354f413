using System.Net;
using OrleansRegistry.Server.Tests.Infrastructure;
using OrleansRegistry.TestSupport.S3;

namespace OrleansRegistry.Server.Tests.S3;

/// <summary>Sessions expire and their data is deleted (docs/architecture.md#upload-state-machine), on S3: the abandoned multipart upload is aborted.</summary>
public sealed class S3UploadExpiryTests(S3UploadExpiryTests.ShortExpiry fixture) : IClassFixture<S3UploadExpiryTests.ShortExpiry>
{
    public sealed class ShortExpiry() : S3RegistryFixture(new Dictionary<string, string>
    {
        ["Registry__Uploads__Expiry"] = "00:00:03",
        ["Registry__Uploads__SweepInterval"] = "00:00:01",
    });

    [Fact]
    public async Task An_abandoned_upload_expires_with_its_multipart_upload_aborted_and_its_objects_deleted()
    {
        var client = fixture.Server.Client;
        var repo = TestImages.UniqueRepo("s3/expiry");
        var data = TestImages.RandomBytes(6 * 1024 * 1024 + 100, seed: 831);
        var (location, _) = await TestImages.StartUploadAsync(client, repo);
        using (var part = await ChunkedUpload.PatchAsync(client, location, data, 0, 6 * 1024 * 1024))
            Assert.Equal(HttpStatusCode.Accepted, part.StatusCode); // one part
        using (var tail = await ChunkedUpload.PatchAsync(client, location, data, 6 * 1024 * 1024, 100))
            Assert.Equal(HttpStatusCode.Accepted, tail.StatusCode); // and a tail object
        Assert.NotEmpty(await fixture.S3.MultipartUploadsAsync("uploads/"));

        // Idle for the 3 s expiry, then the next 1 s sweep removes it (the data first, then the session): bounded at a minute.
        await Eventually.SucceedsAsync(async () =>
        {
            Assert.Empty(await fixture.S3.MultipartUploadsAsync("uploads/"));
            Assert.Empty(await fixture.S3.KeysAsync("uploads/"));
            using var status = await client.GetAsync(location);
            Assert.Equal(HttpStatusCode.NotFound, status.StatusCode);
            Assert.Equal(["BLOB_UPLOAD_UNKNOWN"], await TestImages.ErrorCodesAsync(status));
            return true;
        }, e => e is Xunit.Sdk.XunitException, TimeSpan.FromSeconds(60));
    }
}
