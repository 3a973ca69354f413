using System.Net;
using System.Net.Http.Headers;
using OrleansRegistry.Server.Tests.Infrastructure;

namespace OrleansRegistry.Server.Tests.Hostile;

/// <summary>
/// Upload sessions used where they do not belong: through another repository's URL, and after they finished. Either way
/// the session is unknown there (code-3 BLOB_UPLOAD_UNKNOWN, 404) for every method, and nothing moves: not the session's
/// offset, not the other repository, not the finished blob. (Another identity's session is the auth branch's case.)
/// </summary>
[Collection(RegistryCollection.Name)]
public sealed class SessionMisuseTests(RegistryFixture fixture)
{
    private HttpClient Client => fixture.Client;

    [Fact]
    public async Task Another_repositorys_session_is_unknown_for_every_method_and_stays_intact()
    {
        var owner = TestImages.UniqueRepo("hostile-owner");
        var intruder = TestImages.UniqueRepo("hostile-intruder");
        var data = TestImages.RandomBytes(2000, 8201);
        var (location, uuid) = await TestImages.StartUploadAsync(Client, owner);
        using (var first = await Client.SendAsync(ChunkedUpload.Patch(location, new ByteArrayContent(data, 0, 1000), 0, 1000)))
            Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        var before = await RegistryState.CaptureAsync(fixture, owner, intruder);

        var foreign = $"/v2/{intruder}/blobs/uploads/{uuid}";
        await AssertEveryMethodUnknownAsync(foreign, data, 1000);

        await RegistryState.AssertUnchangedAsync(fixture, before, owner, intruder);
        Assert.Equal("0-999", await RegistryState.SessionRangeAsync(Client, location));
        // The owner finishes it as if nothing happened; the intruder's repository never sees the blob.
        using (var put = await Client.PutAsync(TestImages.WithDigest(location, TestImages.Digest(data)), TestImages.Octets(data[1000..])))
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        await AssertBlobStatusAsync(intruder, TestImages.Digest(data), HttpStatusCode.NotFound);
        await AssertBlobStatusAsync(owner, TestImages.Digest(data), HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_finished_session_is_unknown_for_every_method_and_the_blob_stays_as_committed()
    {
        var repo = TestImages.UniqueRepo("hostile-finished");
        var data = TestImages.RandomBytes(1500, 8202);
        var (location, uuid) = await TestImages.StartUploadAsync(Client, repo);
        using (var put = await Client.PutAsync(TestImages.WithDigest(location, TestImages.Digest(data)), TestImages.Octets(data)))
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        var other = TestImages.UniqueRepo("hostile-finished-other");
        var before = await RegistryState.CaptureAsync(fixture, repo, other);

        await AssertEveryMethodUnknownAsync(location, data, 0);
        await AssertEveryMethodUnknownAsync($"/v2/{other}/blobs/uploads/{uuid}", data, 0);

        await RegistryState.AssertUnchangedAsync(fixture, before, repo, other);
        Assert.Equal(data, await Client.GetByteArrayAsync($"v2/{repo}/blobs/{TestImages.Digest(data)}"));
        await AssertBlobStatusAsync(other, TestImages.Digest(data), HttpStatusCode.NotFound);
    }

    /// <summary>GET, PATCH (at <paramref name="offset"/>), PUT (with the rest and the right digest) and DELETE: each 404 BLOB_UPLOAD_UNKNOWN.</summary>
    private async Task AssertEveryMethodUnknownAsync(string location, byte[] data, int offset)
    {
        var requests = new Func<HttpRequestMessage>[]
        {
            () => new HttpRequestMessage(HttpMethod.Get, location),
            () => ChunkedUpload.Patch(location, new ByteArrayContent(data, offset, data.Length - offset), offset, data.Length - offset),
            () => new HttpRequestMessage(HttpMethod.Put, TestImages.WithDigest(location, TestImages.Digest(data))) { Content = TestImages.Octets(data[offset..]) },
            () => new HttpRequestMessage(HttpMethod.Delete, location),
        };
        foreach (var request in requests)
        {
            using var message = request();
            using var response = await Client.SendAsync(message);
            Assert.True(response.StatusCode == HttpStatusCode.NotFound,
                $"{message.Method} {location}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            Assert.Equal(["BLOB_UPLOAD_UNKNOWN"], await TestImages.ErrorCodesAsync(response));
        }
    }

    private async Task AssertBlobStatusAsync(string repo, string digest, HttpStatusCode expected)
    {
        using var response = await Client.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"v2/{repo}/blobs/{digest}"));
        Assert.Equal(expected, response.StatusCode);
    }
}
