using System.Net;
using System.Net.Http.Headers;
using OrleansRegistry.Server.Tests.Infrastructure;
using OrleansRegistry.Server.Tests.Interop;
using OrleansRegistry.TestSupport.S3;

namespace OrleansRegistry.Server.Tests.S3;

/// <summary>
/// The registry with <c>Registry:BlobStore:Type=S3</c> (a real server process, a bucket on moto): a real client's round
/// trip, and a chunked upload that outlives a restart of the server. The bytes are in the bucket, none on disk.
/// </summary>
public sealed class S3RegistryTests(S3RegistryFixture fixture, InteropLayouts layouts)
    : IClassFixture<S3RegistryFixture>, IClassFixture<InteropLayouts>
{
    private const int MiB = 1024 * 1024;

    private HttpClient Client => fixture.Server.Client;

    [Fact] // acceptance: skopeo round trip oci → registry on S3 → oci keeps every blob and the manifest byte-identical
    public async Task Skopeo_copy_into_the_registry_and_back_is_byte_identical_with_the_blobs_in_the_bucket()
    {
        var repo = TestImages.UniqueRepo("s3/skopeo");
        using var scratch = new TempDirectory();
        var host = fixture.Server.Registry.HostPort;

        await Skopeo.CopyAsync(layouts.Image.Reference("v1"), $"docker://{host}/{repo}:v1");
        var pulled = new OciLayout(scratch.Child("pulled"));
        await Skopeo.CopyAsync($"docker://{host}/{repo}:v1", pulled.Reference("v1"));

        LayoutAssert.SameContent(layouts.Image, pulled);
        // Every layer and the config is an object at its digest key (the manifest lives in PostgreSQL).
        var keys = await fixture.S3.KeysAsync("blobs/");
        var manifest = layouts.Image.ManifestDigest("v1")[7..];
        foreach (var blob in Directory.GetFiles(Path.Combine(layouts.Image.Directory, "blobs", "sha256")).Select(Path.GetFileName))
            if (blob != manifest) Assert.Contains($"blobs/sha256/{blob![..2]}/{blob}", keys);
        var onDisk = Path.Combine(fixture.Server.DataDirectory, "blobs");
        Assert.False(Directory.Exists(onDisk) && Directory.EnumerateFiles(onDisk, "*", SearchOption.AllDirectories).Any(),
            "the filesystem store was used");
    }

    [Fact] // spec "Pushing a blob in chunks" across a restart: the multipart upload, its parts and tail are resumed
    public async Task A_chunked_upload_continues_on_S3_after_a_restart_and_leaves_no_upload_behind()
    {
        var repo = TestImages.UniqueRepo("s3/restart");
        var data = TestImages.RandomBytes(10 * MiB + 4097, seed: 811);
        int[] chunks = [6 * MiB + 5, MiB, 3 * MiB];   // a part, a tail, a tail read back and extended; the rest with the PUT

        var (location, _) = await TestImages.StartUploadAsync(Client, repo);
        var offset = 0;
        location = await PatchAsync(location, data, offset, chunks[0]);
        offset += chunks[0];
        location = await PatchAsync(location, data, offset, chunks[1]);
        offset += chunks[1];
        Assert.NotEmpty(await fixture.S3.MultipartUploadsAsync("uploads/"));

        await fixture.Server.RestartAsync();

        using (var status = await Client.GetAsync(location))
        {
            Assert.Equal(HttpStatusCode.NoContent, status.StatusCode);
            Assert.Equal($"0-{offset - 1}", status.Headers.GetValues("Range").Single());
        }
        location = await PatchAsync(location, data, offset, chunks[2]);
        offset += chunks[2];

        var digest = TestImages.Digest(data);
        using var rest = new ByteArrayContent(data, offset, data.Length - offset);
        rest.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        rest.Headers.TryAddWithoutValidation("Content-Range", $"{offset}-{data.Length - 1}");
        using (var finish = await Client.PutAsync(TestImages.WithDigest(location, digest), rest))
            Assert.Equal(HttpStatusCode.Created, finish.StatusCode);

        using (var get = await Client.GetAsync($"v2/{repo}/blobs/{digest}"))
            Assert.Equal(data, await get.Content.ReadAsByteArrayAsync());
        using (var range = new HttpRequestMessage(HttpMethod.Get, $"v2/{repo}/blobs/{digest}"))
        {
            range.Headers.Range = new RangeHeaderValue(7 * MiB, 7 * MiB + 99);
            using var partial = await Client.SendAsync(range);
            Assert.Equal(HttpStatusCode.PartialContent, partial.StatusCode);
            Assert.Equal(data.AsSpan(7 * MiB, 100).ToArray(), await partial.Content.ReadAsByteArrayAsync());
        }
        // The hash state came through the restart in the session's state: the upload was never read back.
        Assert.Equal(0, await UploadMetrics.RereadBytesAsync(Client));
        Assert.Empty(await fixture.S3.MultipartUploadsAsync("uploads/"));
        Assert.Empty(await fixture.S3.KeysAsync("uploads/"));
    }

    private async Task<string> PatchAsync(string location, byte[] data, int offset, int length)
    {
        using var response = await ChunkedUpload.PatchAsync(Client, location, data, offset, length);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal($"0-{offset + length - 1}", response.Headers.GetValues("Range").Single());
        return response.Headers.Location!.OriginalString;
    }
}
