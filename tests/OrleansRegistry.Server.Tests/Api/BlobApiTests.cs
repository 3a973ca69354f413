using System.Net;
using OrleansRegistry.Server.Tests.Infrastructure;

namespace OrleansRegistry.Server.Tests.Api;

/// <summary>Blob HEAD/GET (end-2, with Range) and DELETE (end-10) through the real server.</summary>
[Collection(RegistryCollection.Name)]
public sealed class BlobApiTests(RegistryFixture fixture)
{
    private const int BlobSize = 1000;

    private HttpClient Client => fixture.Client;

    [Fact] // spec: "Pulling blobs" end-2: 200, the blob's bytes, Docker-Content-Digest
    public async Task Get_returns_the_blob_with_its_length_and_digest()
    {
        var (repo, data, digest) = await PushedBlobAsync("blobs-get");

        using var response = await Client.GetAsync($"v2/{repo}/blobs/{digest}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(data.Length, response.Content.Headers.ContentLength);
        Assert.Equal(digest, response.Headers.GetValues("Docker-Content-Digest").Single());
        Assert.Equal(data, await response.Content.ReadAsByteArrayAsync());
    }

    [Fact] // spec: "Checking if content exists in the registry": 200, Content-Length, Docker-Content-Digest, no body
    public async Task Head_returns_length_and_digest_without_a_body()
    {
        var (repo, data, digest) = await PushedBlobAsync("blobs-head");

        using var response = await Client.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"v2/{repo}/blobs/{digest}"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(data.Length, response.Content.Headers.ContentLength);
        Assert.Equal(digest, response.Headers.GetValues("Docker-Content-Digest").Single());
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Fact] // spec: "Pulling blobs": "If the blob is not found in the repository, the response code MUST be 404"
    public async Task Get_of_an_unknown_blob_is_404_BLOB_UNKNOWN()
    {
        var repo = TestImages.UniqueRepo("blobs-unknown");
        var digest = TestImages.Digest(TestImages.RandomBytes(10, 7001));

        using var response = await Client.GetAsync($"v2/{repo}/blobs/{digest}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(["BLOB_UNKNOWN"], await TestImages.ErrorCodesAsync(response));
    }

    [Fact] // spec: "Checking if content exists in the registry": 404, and a HEAD response never has a body
    public async Task Head_of_an_unknown_blob_is_404_without_a_body()
    {
        var repo = TestImages.UniqueRepo("blobs-unknown");
        var digest = TestImages.Digest(TestImages.RandomBytes(10, 7002));

        using var response = await Client.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"v2/{repo}/blobs/{digest}"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Fact] // spec: "Pulling blobs": the blob must be "in the repository"; another repository's blob is not
    public async Task A_blob_of_another_repository_is_not_visible()
    {
        var (_, _, digest) = await PushedBlobAsync("blobs-owner");
        var stranger = TestImages.UniqueRepo("blobs-stranger");

        using var get = await Client.GetAsync($"v2/{stranger}/blobs/{digest}");
        using var head = await Client.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"v2/{stranger}/blobs/{digest}"));

        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
        Assert.Equal(["BLOB_UNKNOWN"], await TestImages.ErrorCodesAsync(get));
        Assert.Equal(HttpStatusCode.NotFound, head.StatusCode);
    }

    [Theory] // spec: "Pushing blobs": an invalid digest or unsupported algorithm is 400; code-4 DIGEST_INVALID
    [InlineData("not-a-digest")]
    [InlineData("sha256:abc")]
    [InlineData("sha256:0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF")]
    [InlineData("md5:d41d8cd98f00b204e9800998ecf8427e")]
    public async Task Get_head_and_delete_with_an_invalid_digest_are_400_DIGEST_INVALID(string digest)
    {
        var repo = TestImages.UniqueRepo("blobs-baddigest");

        using var get = await Client.GetAsync($"v2/{repo}/blobs/{digest}");
        using var head = await Client.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"v2/{repo}/blobs/{digest}"));
        using var delete = await Client.DeleteAsync($"v2/{repo}/blobs/{digest}");

        Assert.Equal(HttpStatusCode.BadRequest, get.StatusCode);
        Assert.Equal(["DIGEST_INVALID"], await TestImages.ErrorCodesAsync(get));
        Assert.Equal(HttpStatusCode.BadRequest, head.StatusCode);
        Assert.Empty(await head.Content.ReadAsByteArrayAsync());
        Assert.Equal(HttpStatusCode.BadRequest, delete.StatusCode);
        Assert.Equal(["DIGEST_INVALID"], await TestImages.ErrorCodesAsync(delete));
    }

    [Theory] // spec: "Pulling blobs": Range per RFC 9110 section 14 (206 + Content-Range, section 15.3.7)
    [InlineData("bytes=10-19", 10, 10)]
    [InlineData("bytes=0-0", 0, 1)]
    [InlineData("bytes=990-5000", 990, 10)] // a last position past the end is cut to the end
    [InlineData("bytes=900-", 900, 100)]
    [InlineData("bytes=-50", 950, 50)]
    [InlineData("bytes=-5000", 0, BlobSize)] // a suffix longer than the blob is the whole blob
    public async Task Get_with_a_satisfiable_range_is_206_with_those_bytes(string range, int start, int length)
    {
        var (repo, data, digest) = await PushedBlobAsync("blobs-range");
        using var request = new HttpRequestMessage(HttpMethod.Get, $"v2/{repo}/blobs/{digest}");
        request.Headers.TryAddWithoutValidation("Range", range);

        using var response = await Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Equal($"bytes {start}-{start + length - 1}/{BlobSize}", TestImages.HeaderValue(response, "Content-Range"));
        Assert.Equal(length, response.Content.Headers.ContentLength);
        Assert.Equal(data.AsSpan(start, length).ToArray(), await response.Content.ReadAsByteArrayAsync());
    }

    [Theory] // RFC 9110 section 15.5.17: 416 with "Content-Range: bytes */<size>"
    [InlineData("bytes=1000-")]
    [InlineData("bytes=5000-6000")]
    [InlineData("bytes=-0")]
    public async Task Get_with_a_range_beyond_the_blob_is_416_with_the_size(string range)
    {
        var (repo, _, digest) = await PushedBlobAsync("blobs-range416");
        using var request = new HttpRequestMessage(HttpMethod.Get, $"v2/{repo}/blobs/{digest}");
        request.Headers.TryAddWithoutValidation("Range", range);

        using var response = await Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, response.StatusCode);
        Assert.Equal($"bytes */{BlobSize}", TestImages.HeaderValue(response, "Content-Range"));
    }

    [Fact] // RFC 9110 section 14.2: a Range the server does not understand is ignored (whole blob, 200)
    public async Task Get_with_an_unparsable_range_returns_the_whole_blob()
    {
        var (repo, data, digest) = await PushedBlobAsync("blobs-range-ignored");
        using var request = new HttpRequestMessage(HttpMethod.Get, $"v2/{repo}/blobs/{digest}");
        request.Headers.TryAddWithoutValidation("Range", "items=1-2");

        using var response = await Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(data, await response.Content.ReadAsByteArrayAsync());
    }

    [Fact] // spec: "Deleting Blobs" end-10: 202, and afterwards the blob is not found
    public async Task Delete_is_202_and_the_blob_is_then_404()
    {
        var (repo, _, digest) = await PushedBlobAsync("blobs-delete");

        using var delete = await Client.DeleteAsync($"v2/{repo}/blobs/{digest}");
        Assert.Equal(HttpStatusCode.Accepted, delete.StatusCode);

        using var get = await Client.GetAsync($"v2/{repo}/blobs/{digest}");
        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
        Assert.Equal(["BLOB_UNKNOWN"], await TestImages.ErrorCodesAsync(get));
        using var head = await Client.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"v2/{repo}/blobs/{digest}"));
        Assert.Equal(HttpStatusCode.NotFound, head.StatusCode);

        using var again = await Client.DeleteAsync($"v2/{repo}/blobs/{digest}");
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        Assert.Equal(["BLOB_UNKNOWN"], await TestImages.ErrorCodesAsync(again));
    }

    [Fact] // spec: "Deleting Blobs": "If the blob is not found, a 404 Not Found code MUST be returned"
    public async Task Delete_of_an_unknown_blob_is_404_BLOB_UNKNOWN()
    {
        var repo = TestImages.UniqueRepo("blobs-delete-unknown");
        var digest = TestImages.Digest(TestImages.RandomBytes(10, 7003));

        using var response = await Client.DeleteAsync($"v2/{repo}/blobs/{digest}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(["BLOB_UNKNOWN"], await TestImages.ErrorCodesAsync(response));
    }

    [Fact] // spec: end-10 deletes the blob from <name>; the same content pushed to another repository stays there
    public async Task Delete_in_one_repository_leaves_the_blob_in_another()
    {
        var (repo, data, digest) = await PushedBlobAsync("blobs-delete-a");
        var other = TestImages.UniqueRepo("blobs-delete-b");
        await TestImages.PushBlobAsync(Client, other, data);

        using var delete = await Client.DeleteAsync($"v2/{repo}/blobs/{digest}");
        Assert.Equal(HttpStatusCode.Accepted, delete.StatusCode);

        using var get = await Client.GetAsync($"v2/{other}/blobs/{digest}");
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal(data, await get.Content.ReadAsByteArrayAsync());
    }

    private async Task<(string Repo, byte[] Data, string Digest)> PushedBlobAsync(string prefix)
    {
        var repo = TestImages.UniqueRepo(prefix);
        // Random bytes per call: identical content in two tests would share one blob and hide a cross-test leak.
        var data = TestImages.RandomBytes(BlobSize, Random.Shared.Next());
        var digest = await TestImages.PushBlobAsync(Client, repo, data);
        return (repo, data, digest);
    }
}
