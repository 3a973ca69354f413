using System.Diagnostics;
using System.Net;
using OrleansRegistry.Server.Tests.Infrastructure;
using OrleansRegistry.TestSupport.Network;

namespace OrleansRegistry.Server.Tests.Api;

/// <summary>The requests and checks the upload tests share, against the collection's one registry server.</summary>
public abstract class UploadApiTestBase(RegistryFixture fixture)
{
    protected static readonly TimeSpan SignalTimeout = TimeSpan.FromSeconds(10);

    protected RegistryFixture Fixture { get; } = fixture;

    protected HttpClient Client => Fixture.Client;

    /// <summary>Bytes start..end (inclusive) with the spec's bare Content-Range "start-end" (not RFC 9110's "bytes a-b/n").</summary>
    protected static ByteArrayContent Chunk(byte[] data, int start, int end)
    {
        var content = TestImages.Octets(data[start..(end + 1)]);
        Assert.True(content.Headers.TryAddWithoutValidation("Content-Range", $"{start}-{end}"));
        return content;
    }

    /// <summary>A session of <paramref name="repo"/> holding bytes 0..<paramref name="end"/> of <paramref name="data"/>, sent in one PATCH (202).</summary>
    protected async Task<(string Location, string Uuid)> StartWithChunkAsync(string repo, byte[] data, int end)
    {
        var session = await TestImages.StartUploadAsync(Client, repo);
        using (var patch = await SendAsync(HttpMethod.Patch, session.Location, Chunk(data, 0, end)))
            Assert.Equal(HttpStatusCode.Accepted, patch.StatusCode);
        return session;
    }

    protected async Task<HttpResponseMessage> SendAsync(HttpMethod method, string uri, HttpContent content) =>
        await Client.SendAsync(new HttpRequestMessage(method, uri) { Content = content });

    protected async Task<byte[]> PullAsync(string blobLocation)
    {
        using var response = await Client.GetAsync(blobLocation);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsByteArrayAsync();
    }

    protected async Task AssertBlobAbsentAsync(string repo, string digest)
    {
        using var response = await Client.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"v2/{repo}/blobs/{digest}"));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    protected async Task AssertRangeAsync(string location, string range)
    {
        using var status = await Client.GetAsync(location);
        Assert.Equal(HttpStatusCode.NoContent, status.StatusCode);
        Assert.Equal(range, TestImages.HeaderValue(status, "Range"));
    }

    /// <summary>GET, PATCH, PUT and DELETE of the session all answer 404 BLOB_UPLOAD_UNKNOWN (end-13, 5, 6, 14).</summary>
    protected async Task AssertSessionUnknownAsync(string location, string digest)
    {
        var requests = new (HttpMethod Method, string Uri, HttpContent? Content)[]
        {
            (HttpMethod.Get, location, null),
            (HttpMethod.Patch, location, TestImages.Octets([1, 2, 3])),
            (HttpMethod.Put, TestImages.WithDigest(location, digest), new ByteArrayContent([])),
            (HttpMethod.Delete, location, null),
        };
        foreach (var (method, uri, content) in requests)
        {
            using var response = await Client.SendAsync(new HttpRequestMessage(method, uri) { Content = content });
            Assert.True(HttpStatusCode.NotFound == response.StatusCode, $"{method} {uri}: {(int)response.StatusCode}");
            Assert.Equal(["BLOB_UPLOAD_UNKNOWN"], await TestImages.ErrorCodesAsync(response));
        }
    }

    protected string UploadDirectory(string uuid) => Path.Combine(Fixture.DataDirectory, "blobs", "uploads", uuid);

    protected long? UploadDataLength(string uuid)
    {
        var file = new FileInfo(Path.Combine(UploadDirectory(uuid), "data"));
        return file.Exists ? file.Length : null;
    }

    /// <summary>A chunk PATCH whose body the test sends itself, when (and whether) it likes.</summary>
    protected static Task<RawHttpConnection> StartChunkAsync(Uri server, string location, long contentLength, string contentRange) =>
        RawHttpConnection.SendAsync(server, $"PATCH {location} HTTP/1.1",
            ["Content-Type: application/octet-stream", $"Content-Length: {contentLength}", $"Content-Range: {contentRange}", "Connection: close"],
            ReadOnlyMemory<byte>.Empty, SignalTimeout);
}
