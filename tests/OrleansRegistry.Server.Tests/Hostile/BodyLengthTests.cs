using System.Net;
using System.Text;
using OrleansRegistry.Core;
using OrleansRegistry.Server.Tests.Infrastructure;
using OrleansRegistry.TestSupport.Network;

namespace OrleansRegistry.Server.Tests.Hostile;

/// <summary>
/// Bodies that do not match their Content-Length, for monolithic uploads, chunks, upload finishes and manifests. A body
/// that ends early (the client closes its side) is no upload: 400 or a closed connection, never a 500, and nothing is
/// stored or advanced. A body longer than its Content-Length is, by HTTP/1.1 framing, the declared bytes followed by the
/// start of another request: the declared bytes are judged on their own and the rest is refused as a request.
/// </summary>
[Collection(RegistryCollection.Name)]
public sealed class BodyLengthTests(RegistryFixture fixture)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    private HttpClient Client => fixture.Client;

    [Fact]
    public async Task Monolithic_upload_whose_body_ends_before_its_Content_Length_stores_nothing()
    {
        var repo = TestImages.UniqueRepo("hostile-mono-short");
        var data = TestImages.RandomBytes(1000, 8001);
        var before = await RegistryState.CaptureAsync(fixture, repo);

        await AssertCutShortAsync($"POST /v2/{repo}/blobs/uploads/?digest={TestImages.Digest(data)}", data.Length,
            data.AsMemory(0, 500));

        await AssertBlobAbsentAsync(repo, TestImages.Digest(data));
        await RegistryState.AssertEventuallyUnchangedAsync(fixture, before, repo);
    }

    [Fact]
    public async Task Monolithic_upload_with_more_bytes_than_its_Content_Length_stores_only_the_declared_bytes()
    {
        var repo = TestImages.UniqueRepo("hostile-mono-long");
        var data = TestImages.RandomBytes(1000, 8002);
        var declared = data[..500];

        var responses = await ExchangeOverlongAsync($"POST /v2/{repo}/blobs/uploads/?digest={TestImages.Digest(declared)}",
            declared.Length, data);

        Assert.Equal(201, responses.First.Status);
        Assert.Equal(declared, await Client.GetByteArrayAsync($"v2/{repo}/blobs/{TestImages.Digest(declared)}"));
        await AssertBlobAbsentAsync(repo, TestImages.Digest(data));
        AssertExtraBytesRefused(responses.Second);
    }

    [Fact]
    public async Task Monolithic_upload_claiming_the_digest_of_its_overlong_body_is_DIGEST_INVALID_and_stores_nothing()
    {
        var repo = TestImages.UniqueRepo("hostile-mono-long-digest");
        var data = TestImages.RandomBytes(1000, 8003);
        var before = await RegistryState.CaptureAsync(fixture, repo);

        var responses = await ExchangeOverlongAsync($"POST /v2/{repo}/blobs/uploads/?digest={TestImages.Digest(data)}", 500, data);

        AssertError(responses.First, 400, "DIGEST_INVALID");
        AssertExtraBytesRefused(responses.Second);
        await AssertBlobAbsentAsync(repo, TestImages.Digest(data));
        await AssertBlobAbsentAsync(repo, TestImages.Digest(data[..500]));
        await RegistryState.AssertUnchangedAsync(fixture, before, repo);
    }

    [Fact]
    public async Task Chunk_whose_body_ends_before_its_Content_Length_leaves_the_offset_and_the_session_usable()
    {
        var repo = TestImages.UniqueRepo("hostile-chunk-short");
        var data = TestImages.RandomBytes(1000, 8004);
        var (location, _) = await TestImages.StartUploadAsync(Client, repo);
        var before = await RegistryState.CaptureAsync(fixture, repo);

        await AssertCutShortAsync($"PATCH {location}", data.Length, data.AsMemory(0, 500), "Content-Range: 0-999");

        await RegistryState.AssertEventuallyUnchangedAsync(fixture, before, repo);
        await AssertSessionRangeAsync(location, "0-0");
        await FinishAsync(repo, location, data);
    }

    [Fact]
    public async Task Chunk_with_more_bytes_than_its_Content_Length_commits_only_the_declared_bytes()
    {
        var repo = TestImages.UniqueRepo("hostile-chunk-long");
        var data = TestImages.RandomBytes(1000, 8005);
        var (location, _) = await TestImages.StartUploadAsync(Client, repo);

        var responses = await ExchangeOverlongAsync($"PATCH {location}", 500, data, "Content-Range: 0-499");

        Assert.Equal(202, responses.First.Status);
        Assert.Equal("0-499", responses.First.Headers["range"]);
        AssertExtraBytesRefused(responses.Second);
        await AssertSessionRangeAsync(location, "0-499");
        await FinishAsync(repo, location, data[..500]);
    }

    [Fact]
    public async Task Finishing_put_whose_body_ends_early_leaves_the_session_as_it_was()
    {
        var repo = TestImages.UniqueRepo("hostile-finish-short");
        var data = TestImages.RandomBytes(1000, 8006);
        var (location, _) = await TestImages.StartUploadAsync(Client, repo);
        var before = await RegistryState.CaptureAsync(fixture, repo);

        await AssertCutShortAsync($"PUT {TestImages.WithDigest(location, TestImages.Digest(data))}", data.Length, data.AsMemory(0, 10));

        await RegistryState.AssertEventuallyUnchangedAsync(fixture, before, repo);
        await AssertBlobAbsentAsync(repo, TestImages.Digest(data));
        await AssertSessionRangeAsync(location, "0-0");
    }

    [Fact]
    public async Task Manifest_whose_body_ends_before_its_Content_Length_is_not_stored()
    {
        var repo = TestImages.UniqueRepo("hostile-manifest-short");
        var (config, layers) = await TestImages.PushImageBlobsAsync(Client, repo, 8007);
        var manifest = TestImages.ImageManifest(config, layers);
        var before = await RegistryState.CaptureAsync(fixture, repo);

        await AssertCutShortAsync($"PUT /v2/{repo}/manifests/v1", manifest.Length + 100, manifest,
            $"Content-Type: {TestImages.OciManifest}");

        await RegistryState.AssertEventuallyUnchangedAsync(fixture, before, repo);
        using var get = await Client.GetAsync($"v2/{repo}/manifests/{TestImages.Digest(manifest)}");
        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
    }

    [Fact]
    public async Task Manifest_cut_by_a_short_Content_Length_is_MANIFEST_INVALID_and_the_rest_is_no_request()
    {
        var repo = TestImages.UniqueRepo("hostile-manifest-long");
        var (config, layers) = await TestImages.PushImageBlobsAsync(Client, repo, 8008);
        var manifest = TestImages.ImageManifest(config, layers);
        var before = await RegistryState.CaptureAsync(fixture, repo);

        var responses = await ExchangeOverlongAsync($"PUT /v2/{repo}/manifests/v1", manifest.Length - 10, manifest,
            $"Content-Type: {TestImages.OciManifest}");

        AssertError(responses.First, 400, "MANIFEST_INVALID");
        AssertExtraBytesRefused(responses.Second);
        await RegistryState.AssertUnchangedAsync(fixture, before, repo);
    }

    // ---- helpers ----

    /// <summary>
    /// Sends the head with <paramref name="contentLength"/>, then fewer bytes, then closes the sending side. The server
    /// answers 400 (the body ended early: BLOB_UPLOAD_INVALID when the registry saw it, or Kestrel's own) or closes.
    /// </summary>
    private async Task AssertCutShortAsync(string requestLine, long contentLength, ReadOnlyMemory<byte> sent, params string[] headers)
    {
        await using var connection = await RawHttpConnection.SendAsync(fixture.Registry.BaseAddress, $"{requestLine} HTTP/1.1",
            [.. headers, "Content-Type: application/octet-stream", $"Content-Length: {contentLength}"], sent, Bound);
        connection.EndSending();
        RawHttpResponse? response = null;
        try { response = await connection.ReadResponseAsync(Bound); }
        catch (IOException) { } // closed without an answer: the client is gone as far as the server knows
        if (response is not null)
        {
            Assert.True(response.Status == 400, $"{requestLine}: expected 400 or a close, got {response.Status} {response.BodyText}");
            if (response.Body.Length > 0) AssertError(response, 400, "BLOB_UPLOAD_INVALID");
        }
    }

    /// <summary>Sends the head declaring <paramref name="contentLength"/>, then all of <paramref name="body"/>; reads two answers.</summary>
    private async Task<(RawHttpResponse First, RawHttpResponse? Second)> ExchangeOverlongAsync(string requestLine,
        long contentLength, byte[] body, params string[] headers)
    {
        await using var connection = await RawHttpConnection.SendAsync(fixture.Registry.BaseAddress, $"{requestLine} HTTP/1.1",
            [.. headers, "Content-Type: application/octet-stream", $"Content-Length: {contentLength}"], body, Bound);
        var first = await connection.ReadResponseAsync(Bound);
        connection.EndSending(); // the extra bytes are all there is: an incomplete request line is refused, not awaited
        RawHttpResponse? second = null;
        try { second = await connection.ReadResponseAsync(Bound); }
        catch (IOException) { }
        return (first, second);
    }

    /// <summary>The bytes past the body start no request the registry serves: Kestrel's 400 for a bad request line, or a close.</summary>
    private static void AssertExtraBytesRefused(RawHttpResponse? second)
    {
        if (second is not null)
            Assert.True(second.Status == 400, $"the extra bytes were served as a request: {second.Status} {second.BodyText}");
    }

    private static void AssertError(RawHttpResponse response, int status, string code)
    {
        Assert.True(response.Status == status, $"expected {status} {code}, got {response.Status} {response.BodyText}");
        Assert.True(ErrorResponse.TryParse(response.Body, out var errors), $"not an error body: {response.BodyText}");
        Assert.Equal([code], errors!.Errors.Select(e => e.Code));
    }

    private async Task AssertBlobAbsentAsync(string repo, string digest)
    {
        using var response = await Client.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"v2/{repo}/blobs/{digest}"));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    private async Task AssertSessionRangeAsync(string location, string range) =>
        Assert.Equal(range, await RegistryState.SessionRangeAsync(Client, location));

    /// <summary>The session still works: the whole of <paramref name="data"/> finishes it (from its current offset).</summary>
    private async Task FinishAsync(string repo, string location, byte[] data)
    {
        using var status = await Client.GetAsync(location);
        var range = TestImages.HeaderValue(status, "Range")!;
        var offset = range == "0-0" ? 0 : int.Parse(range.Split('-')[1]) + 1;
        using var put = await Client.PutAsync(TestImages.WithDigest(status.Headers.Location!.OriginalString, TestImages.Digest(data)),
            TestImages.Octets(data[offset..]));
        Assert.True(put.StatusCode == HttpStatusCode.Created, $"finish: {(int)put.StatusCode} {await put.Content.ReadAsStringAsync()}");
        Assert.Equal(data, await Client.GetByteArrayAsync($"v2/{repo}/blobs/{TestImages.Digest(data)}"));
    }
}
