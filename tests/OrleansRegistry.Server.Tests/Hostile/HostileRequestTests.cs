using System.Text;
using OrleansRegistry.Core;
using OrleansRegistry.Server.Tests.Infrastructure;
using OrleansRegistry.TestSupport.Network;

namespace OrleansRegistry.Server.Tests.Hostile;

/// <summary>
/// Malicious single requests, sent byte for byte over a raw socket (HttpClient would normalise or refuse the paths):
/// traversal in names, tags, digests and upload ids (<c>..</c>, <c>%2e%2e</c>, <c>%2F</c>, NUL, backslash), overlong
/// names and tags, unknown and mismatched digest algorithms, malformed and overflowing Range / Content-Range. Each gets
/// the spec's status and error code (never a 500), and the registry's state is left exactly as it was: catalog, tags and
/// every file of the blob store, with nothing written outside it.
/// </summary>
[Collection(RegistryCollection.Name)]
public sealed class HostileRequestTests(RegistryFixture fixture)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    // Placeholders filled in per test: the sentinel repository, a layer blob of it, an open upload session's location.
    private const string Repo = "{repo}";
    private const string Blob = "{blob}";
    private const string Session = "{session}";
    private const string Escape = RegistryState.EscapeMarker;
    private const string Zero = "sha256:0000000000000000000000000000000000000000000000000000000000000000";
    private const string Octets = "Content-Type: application/octet-stream";
    private const string Manifest = "Content-Type: application/vnd.oci.image.manifest.v1+json";
    private const string EmptyManifest = """{"schemaVersion":2,"config":{"mediaType":"a/b","digest":"sha256:0000000000000000000000000000000000000000000000000000000000000000","size":0},"layers":[]}""";
    private static readonly string Hex64 = new('a', 64);
    private static readonly string Hex128 = new('a', 128);
    private const string Huge = "99999999999999999999"; // beyond a long

    public static TheoryData<string, string, string, string?, int, string?> Requests => new()
    {
        // method, request target (raw), extra headers ('\n'-separated), body, expected status, expected code (null: no body).

        // ---- traversal in repository names ----
        // Kestrel removes dot segments before routing (RFC 3986 5.2.4), so "/v2/x/../../e" is "/e": not the /v2 API, 404.
        { "GET", $"/v2/hostile/../../{Escape}/tags/list", "", null, 404, null },
        { "GET", $"/v2/hostile/%2e%2e/%2e%2e/{Escape}/tags/list", "", null, 404, null },
        { "PUT", $"/v2/%2E%2E/{Escape}/manifests/latest", Manifest, EmptyManifest, 404, null },
        // An encoded '/' stays "%2F" in the path: no repository name holds '%' (code-8 NAME_INVALID, 400).
        { "GET", $"/v2/hostile/..%2F..%2F{Escape}/tags/list", "", null, 400, "NAME_INVALID" },
        { "GET", "/v2/hostile%2Fsentinel/tags/list", "", null, 400, "NAME_INVALID" },
        { "POST", $"/v2/..%2F{Escape}/blobs/uploads/", "", "", 400, "NAME_INVALID" },
        { "PUT", $"/v2/{Repo}%2F..%2F..%2F{Escape}/manifests/latest", Manifest, EmptyManifest, 400, "NAME_INVALID" },
        // A backslash is no separator in a URL path, and not in the name grammar either.
        { "GET", $"/v2/hostile\\..\\..\\{Escape}/tags/list", "", null, 400, "NAME_INVALID" },
        { "POST", $"/v2/hostile\\..\\{Escape}/blobs/uploads/?digest={Zero}", Octets, "", 400, "NAME_INVALID" },
        // A NUL, raw or encoded, never reaches the registry: Kestrel refuses the request line (400, its own empty body).
        { "GET", "/v2/hostile\0/tags/list", "", null, 400, null },
        { "GET", "/v2/hostile%00/tags/list", "", null, 400, null },
        { "PUT", $"/v2/{Repo}/manifests/v1%00", Manifest, EmptyManifest, 400, null },
        // Dot segments inside a name that survive normalisation (encoded slashes) and leading dots: not the grammar.
        { "GET", "/v2/.%2F.%2Fhostile/tags/list", "", null, 400, "NAME_INVALID" },
        { "GET", "/v2/.hostile/tags/list", "", null, 400, "NAME_INVALID" },

        // ---- traversal in tags (code-10 TAG_INVALID on a push; a pull of a reference that is neither tag nor digest: 404) ----
        { "PUT", $"/v2/{Repo}/manifests/..%2F..%2F{Escape}", Manifest, EmptyManifest, 400, "TAG_INVALID" },
        { "PUT", $"/v2/{Repo}/manifests/..\\..\\{Escape}", Manifest, EmptyManifest, 400, "TAG_INVALID" },
        { "PUT", $"/v2/{Repo}/manifests/.{Escape}", Manifest, EmptyManifest, 400, "TAG_INVALID" },
        { "GET", $"/v2/{Repo}/manifests/..%2F..%2Fv1", "", null, 404, "MANIFEST_UNKNOWN" },
        { "DELETE", $"/v2/{Repo}/manifests/..\\v1", "", null, 404, "MANIFEST_UNKNOWN" },

        // ---- traversal in digests (code-4 DIGEST_INVALID, 400: "invalid syntax") ----
        { "GET", $"/v2/{Repo}/blobs/sha256:..%2F..%2F{Escape}", "", null, 400, "DIGEST_INVALID" },
        { "GET", $"/v2/{Repo}/blobs/..%2Fsha256:{Hex64}", "", null, 400, "DIGEST_INVALID" },
        { "HEAD", $"/v2/{Repo}/blobs/sha256:..\\..\\{Escape}", "", null, 400, null },
        { "DELETE", $"/v2/{Repo}/blobs/sha256:..", "", null, 400, "DIGEST_INVALID" },
        { "GET", $"/v2/{Repo}/blobs/..:{Hex64}", "", null, 400, "DIGEST_INVALID" },
        { "POST", $"/v2/{Repo}/blobs/uploads/?digest=sha256:..%2F..%2F{Escape}", Octets, "data", 400, "DIGEST_INVALID" },
        { "POST", $"/v2/{Repo}/blobs/uploads/?digest=..%2F{Escape}:{Hex64}", Octets, "data", 400, "DIGEST_INVALID" },
        { "PUT", $"/v2/{Repo}/manifests/sha256:..%2F{Escape}", Manifest, EmptyManifest, 400, "DIGEST_INVALID" },
        { "GET", $"/v2/{Repo}/referrers/sha256:..%2F..%2F{Escape}", "", null, 400, "DIGEST_INVALID" },

        // ---- traversal in upload ids (the session is unknown: code-3 BLOB_UPLOAD_UNKNOWN, 404) ----
        { "PATCH", $"/v2/{Repo}/blobs/uploads/..%2F..%2F{Escape}", Octets, "data", 404, "BLOB_UPLOAD_UNKNOWN" },
        { "PUT", $"/v2/{Repo}/blobs/uploads/..\\..\\{Escape}?digest={Zero}", "", null, 404, "BLOB_UPLOAD_UNKNOWN" },
        { "GET", $"/v2/{Repo}/blobs/uploads/%2e%2e%2F{Escape}", "", null, 404, "BLOB_UPLOAD_UNKNOWN" },
        { "DELETE", $"/v2/{Repo}/blobs/uploads/..%2F..%2Fblobs", "", null, 404, "BLOB_UPLOAD_UNKNOWN" },

        // ---- overlong names and tags ----
        { "GET", $"/v2/{new string('a', 256)}/tags/list", "", null, 400, "NAME_INVALID" },
        { "POST", $"/v2/{string.Join('/', Enumerable.Repeat("abcdefg", 1000))}/blobs/uploads/", "", "", 400, "NAME_INVALID" },
        { "PUT", $"/v2/{Repo}/manifests/{new string('t', 129)}", Manifest, EmptyManifest, 400, "TAG_INVALID" },
        { "GET", $"/v2/{Repo}/manifests/{new string('t', 129)}", "", null, 404, "MANIFEST_UNKNOWN" },
        // A request line past Kestrel's limit (8 KiB) is refused before routing: 414 URI Too Long.
        { "GET", $"/v2/{new string('a', 20_000)}/tags/list", "", null, 414, null },

        // ---- unknown or mismatched digest algorithms (400 DIGEST_INVALID: "invalid or unsupported algorithm") ----
        { "GET", $"/v2/{Repo}/blobs/md5:d41d8cd98f00b204e9800998ecf8427e", "", null, 400, "DIGEST_INVALID" },
        { "GET", $"/v2/{Repo}/blobs/sha256:{Hex128}", "", null, 400, "DIGEST_INVALID" },
        { "GET", $"/v2/{Repo}/blobs/sha512:{Hex64}", "", null, 400, "DIGEST_INVALID" },
        { "GET", $"/v2/{Repo}/blobs/sha256:{Hex64.ToUpperInvariant()}", "", null, 400, "DIGEST_INVALID" },
        { "DELETE", $"/v2/{Repo}/blobs/sha256+b64u:LCa0a2j_xo_5m0U8HTBBNBNCLXBkg7-g-YpeiGJm564", "", null, 400, "DIGEST_INVALID" },
        { "POST", $"/v2/{Repo}/blobs/uploads/?digest=sha512:{Hex64}", Octets, "data", 400, "DIGEST_INVALID" },
        { "POST", $"/v2/{Repo}/blobs/uploads/?digest=blake3:{Hex64}", Octets, "data", 400, "DIGEST_INVALID" },
        { "POST", $"/v2/{Repo}/blobs/uploads/?digest-algorithm=md5", "", "", 400, "DIGEST_INVALID" },
        { "PUT", $"/v2/{Repo}/manifests/sha512:{Hex64}", Manifest, EmptyManifest, 400, "DIGEST_INVALID" },
        { "PUT", $"/v2/{Repo}/manifests/md5:d41d8cd98f00b204e9800998ecf8427e", Manifest, EmptyManifest, 400, "DIGEST_INVALID" },
        { "PUT", $"{Session}?digest=sha512:{Hex64}", "", null, 400, "DIGEST_INVALID" },
        { "PUT", $"{Session}?digest=md5:d41d8cd98f00b204e9800998ecf8427e", "", null, 400, "DIGEST_INVALID" },

        // ---- malformed and overflowing Range on a blob GET (RFC 9110 14.2: an invalid Range is ignored, 200 whole;
        //      a valid one wholly past the end is 416 with Content-Range "bytes */size") ----
        { "GET", $"/v2/{Repo}/blobs/{Blob}", $"Range: bytes={Huge}-1", null, 200, null },
        { "GET", $"/v2/{Repo}/blobs/{Blob}", "Range: bytes=5-1", null, 200, null },
        { "GET", $"/v2/{Repo}/blobs/{Blob}", "Range: bytes=-5-3", null, 200, null },
        { "GET", $"/v2/{Repo}/blobs/{Blob}", "Range: bytes=--1", null, 200, null },
        { "GET", $"/v2/{Repo}/blobs/{Blob}", "Range: bytes=1e3-2e3", null, 200, null },
        { "GET", $"/v2/{Repo}/blobs/{Blob}", "Range: bytes=0-0,-1", null, 200, null },
        { "GET", $"/v2/{Repo}/blobs/{Blob}", "Range: lines=0-1", null, 200, null },
        { "GET", $"/v2/{Repo}/blobs/{Blob}", $"Range: bytes={Huge}-", null, 416, "RANGE_NOT_SATISFIABLE" },
        { "GET", $"/v2/{Repo}/blobs/{Blob}", $"Range: bytes={Huge}-{Huge}9", null, 416, "RANGE_NOT_SATISFIABLE" },
        { "GET", $"/v2/{Repo}/blobs/{Blob}", "Range: bytes=-0", null, 416, "RANGE_NOT_SATISFIABLE" },
        { "GET", $"/v2/{Repo}/blobs/{Blob}", $"Range: bytes=-{Huge}", null, 206, null },
        { "GET", $"/v2/{Repo}/blobs/{Blob}", $"Range: bytes=0-{Huge}", null, 206, null },
        { "HEAD", $"/v2/{Repo}/blobs/{Blob}", $"Range: bytes={Huge}-", null, 416, null },

        // ---- malformed and overflowing Content-Range on a chunk (spec: ^[0-9]+-[0-9]+$, else 416 RANGE_INVALID) ----
        { "PATCH", Session, $"{Octets}\nContent-Range: {Huge}-1", "data", 416, "RANGE_INVALID" },
        { "PATCH", Session, $"{Octets}\nContent-Range: 0-{Huge}", "data", 416, "RANGE_INVALID" },
        { "PATCH", Session, $"{Octets}\nContent-Range: -1-2", "data", 416, "RANGE_INVALID" },
        { "PATCH", Session, $"{Octets}\nContent-Range: 3-0", "data", 416, "RANGE_INVALID" },
        { "PATCH", Session, $"{Octets}\nContent-Range: 0-3/2", "data", 416, "RANGE_INVALID" },
        { "PATCH", Session, $"{Octets}\nContent-Range: bytes 0-3/{Huge}", "data", 416, "RANGE_INVALID" },
        { "PATCH", Session, $"{Octets}\nContent-Range: 0-9", "data", 416, "RANGE_INVALID" }, // 10 bytes claimed, 4 sent
        { "PATCH", Session, $"{Octets}\nContent-Range: 9223372036854775806-9223372036854775807", "da", 416, "RANGE_INVALID" },
        { "PATCH", Session, $"{Octets}\nContent-Range: 0-1\0", "da", 400, null },
        { "PUT", $"{Session}?digest={Zero}", $"{Octets}\nContent-Range: {Huge}-{Huge}", "d", 416, "RANGE_INVALID" },

        // ---- Content-Length that cannot frame a body: Kestrel refuses the request before the registry sees it ----
        { "POST", $"/v2/{Repo}/blobs/uploads/?digest={Zero}", $"{Octets}\nContent-Length: 4\nContent-Length: 5", "data", 400, null },
        { "POST", $"/v2/{Repo}/blobs/uploads/?digest={Zero}", $"{Octets}\nContent-Length: -1", "data", 400, null },
        { "POST", $"/v2/{Repo}/blobs/uploads/?digest={Zero}", $"{Octets}\nContent-Length: {Huge}", "data", 400, null },
        { "PATCH", Session, $"{Octets}\nContent-Length: 0x4", "data", 400, null },
    };

    [Theory]
    [MemberData(nameof(Requests))]
    public async Task Hostile_request_gets_the_spec_status_and_code_and_changes_nothing(string method, string target,
        string headers, string? body, int expectedStatus, string? expectedCode)
    {
        var sentinel = await RegistryState.SentinelAsync(fixture.Client);
        target = target.Replace(Repo, sentinel.Repository).Replace(Blob, TestImages.Digest(sentinel.Layer));
        string? session = null;
        if (target.Contains(Session))
        {
            session = (await TestImages.StartUploadAsync(fixture.Client, sentinel.Repository)).Location;
            target = target.Replace(Session, session);
        }
        var before = await RegistryState.CaptureAsync(fixture, sentinel.Repository);

        var response = await ExchangeAsync(method, target, headers, body);

        Assert.True(response.Status == expectedStatus,
            $"{method} {target}: expected {expectedStatus}, got {response.Status} {response.BodyText}");
        if (expectedCode is not null)
        {
            Assert.True(ErrorResponse.TryParse(response.Body, out var errors), $"not an error body: {response.BodyText}");
            Assert.Equal([expectedCode], errors!.Errors.Select(e => e.Code));
            Assert.Equal(expectedStatus, ErrorCatalog.Find(expectedCode)!.HttpStatus);
        }
        if (expectedStatus == 206)
            Assert.Equal(sentinel.Layer, response.Body);
        if (expectedStatus == 200 && method == "GET" && target.Contains("/blobs/"))
            Assert.Equal(sentinel.Layer, response.Body); // an ignored Range serves the whole blob
        await RegistryState.AssertUnchangedAsync(fixture, before, sentinel.Repository);
        if (session is not null) Assert.Equal("0-0", await RegistryState.SessionRangeAsync(fixture.Client, session));
    }

    [Fact] // end-4c announces sha512; a finish claiming sha256 is verified with sha256 (the data read back), never trusted
    public async Task Finish_with_another_algorithm_than_announced_is_verified_with_the_claimed_one()
    {
        var repo = TestImages.UniqueRepo("hostile-algorithm");
        var data = TestImages.RandomBytes(3000, 8301);
        using var post = await fixture.Client.PostAsync($"v2/{repo}/blobs/uploads/?digest-algorithm=sha512", new ByteArrayContent([]));
        Assert.Equal(System.Net.HttpStatusCode.Accepted, post.StatusCode);
        var location = post.Headers.Location!.OriginalString;
        using (var patch = await fixture.Client.SendAsync(ChunkedUpload.Patch(location, new ByteArrayContent(data), 0, data.Length)))
            Assert.Equal(System.Net.HttpStatusCode.Accepted, patch.StatusCode);
        var before = await RegistryState.CaptureAsync(fixture, repo);

        // The sha512 of the data, written as if it were a sha256 (wrong length), and a sha256 of other bytes.
        foreach (var claimed in new[] { "sha256:" + TestImages.Sha512Digest(data)[7..71], TestImages.Digest(data[1..]) })
        {
            using var wrong = await fixture.Client.PutAsync(TestImages.WithDigest(location, claimed), null);
            Assert.Equal(System.Net.HttpStatusCode.BadRequest, wrong.StatusCode);
            Assert.Equal(["DIGEST_INVALID"], await TestImages.ErrorCodesAsync(wrong));
        }
        await RegistryState.AssertUnchangedAsync(fixture, before, repo);

        using var right = await fixture.Client.PutAsync(TestImages.WithDigest(location, TestImages.Digest(data)), null);
        Assert.Equal(System.Net.HttpStatusCode.Created, right.StatusCode);
        Assert.Equal(data, await fixture.Client.GetByteArrayAsync($"v2/{repo}/blobs/{TestImages.Digest(data)}"));
    }

    /// <summary>Sends the request exactly as written (Content-Length of the body when one is given) and reads the answer.</summary>
    private async Task<RawHttpResponse> ExchangeAsync(string method, string target, string headers, string? body)
    {
        var bytes = body is null ? [] : Encoding.Latin1.GetBytes(body);
        var lines = headers.Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList();
        if (body is not null && !lines.Any(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase)))
            lines.Add($"Content-Length: {bytes.Length}");
        lines.Add("Connection: close");
        await using var connection = await RawHttpConnection.SendAsync(fixture.Registry.BaseAddress,
            $"{method} {target} HTTP/1.1", lines, bytes, Bound);
        return await connection.ReadResponseAsync(Bound, toHead: method == "HEAD");
    }
}
