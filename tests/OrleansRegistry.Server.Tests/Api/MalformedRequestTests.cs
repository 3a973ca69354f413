using System.Net.Http.Headers;
using System.Text.Json;
using OrleansRegistry.Core;
using OrleansRegistry.Server.Tests.Infrastructure;

namespace OrleansRegistry.Server.Tests.Api;

/// <summary>
/// The quality bar: every bad input gets the status the spec names for it and the spec's error body with the code the
/// error catalog (src/OrleansRegistry.Core/Errors/ErrorCatalog.cs) gives that status — never a 500, a hang or a stack
/// trace, and never a neighbouring 4xx. A sweep over malformed paths, arguments, headers and bodies; the reasons quote
/// the OCI distribution spec (spec.md, "Workflow categories" and the end-N / code-N tables).
/// </summary>
[Collection(RegistryCollection.Name)]
public sealed class MalformedRequestTests(RegistryFixture fixture)
{
    private const string Zero = "sha256:0000000000000000000000000000000000000000000000000000000000000000";
    private const string NoSession = "/v2/a/blobs/uploads/00000000-0000-0000-0000-000000000000";
    private const string OciManifest = "Content-Type: application/vnd.oci.image.manifest.v1+json";

    /// <summary>Stands for the location of an upload session the test opens first.</summary>
    private const string OpenSession = "{open-session}";

    public static TheoryData<string, string, string?, string?, int, string?> Requests => new()
    {
        // method, path, header "Name: value", body, expected status, expected error code (null: no error body).
        // (A NUL in the path never reaches the registry: Kestrel itself answers 400 Bad Request.)

        // end-3 "If the manifest is not found in the repository, the response code MUST be 404": a reference that is
        // neither a tag nor a digest names no manifest (code-7 MANIFEST_UNKNOWN); HEAD has no body.
        { "GET", "/v2/a/manifests/", null, null, 404, "MANIFEST_UNKNOWN" },
        { "GET", "/v2/a/manifests/sha256:", null, null, 404, "MANIFEST_UNKNOWN" },
        { "GET", "/v2/a/manifests/md5:abcd", null, null, 404, "MANIFEST_UNKNOWN" },
        { "HEAD", "/v2/a/manifests/" + new string('t', 300), null, null, 404, null },
        // <name> over 255 characters is no repository name: code-8 NAME_INVALID, 400 as in distribution.
        { "GET", "/v2/" + new string('a', 256) + "/tags/list", null, null, 400, "NAME_INVALID" },
        // "if the client provided digest is invalid or uses an unsupported algorithm, the registry SHOULD respond with
        // 400 Bad Request" (code-4 DIGEST_INVALID), for a pull and a delete (end-10: 404/400/405) as for a push.
        { "GET", "/v2/a/blobs/notadigest", null, null, 400, "DIGEST_INVALID" },
        { "GET", "/v2/a/blobs/sha256:zz", null, null, 400, "DIGEST_INVALID" },
        { "DELETE", "/v2/a/blobs/sha256:", null, null, 400, "DIGEST_INVALID" },
        // end-2 "If the blob is not found in the repository, the response code MUST be 404", whatever Range says.
        { "GET", "/v2/a/blobs/" + Zero, "Range: bytes=oops", null, 404, "BLOB_UNKNOWN" },
        { "GET", "/v2/a/blobs/" + Zero, "Range: bytes=5-1", null, 404, "BLOB_UNKNOWN" },
        // end-12a "If the request is invalid, such as a <digest> with an invalid syntax, a 400 Bad Request MUST be returned."
        { "GET", "/v2/a/referrers/nope", null, null, 400, "DIGEST_INVALID" },
        // end-8b n=<integer>: anything else is distribution's PAGINATION_NUMBER_INVALID, 400.
        { "GET", "/v2/a/tags/list?n=-5", null, null, 400, "PAGINATION_NUMBER_INVALID" },
        { "GET", "/v2/a/tags/list?n=%FF", null, null, 400, "PAGINATION_NUMBER_INVALID" },
        { "GET", "/v2/_catalog?n=abc", null, null, 400, "PAGINATION_NUMBER_INVALID" },
        // last is a position, not a name to look up: no name holds a NUL, so "\0\1" is where the list begins.
        { "GET", "/v2/_catalog?last=%00%01", null, null, 200, null },
        // end-4b 404/400: a malformed or unsupported digest is 400 DIGEST_INVALID (the SHOULD above).
        { "POST", "/v2/a/blobs/uploads/?digest=nope", null, "data", 400, "DIGEST_INVALID" },
        { "POST", "/v2/a/blobs/uploads/?digest=sha999:abcd", null, "data", 400, "DIGEST_INVALID" },
        // end-11: "if a registry ... is unable to mount the requested blob, it SHOULD return a 202" (a session).
        { "POST", "/v2/a/blobs/uploads/?mount=nope&from=UPPER", null, null, 202, null },
        // end-5/6/13/14 on a session that does not exist: 404, code-3 BLOB_UPLOAD_UNKNOWN.
        { "PATCH", "/v2/a/blobs/uploads/not-a-uuid", null, "data", 404, "BLOB_UPLOAD_UNKNOWN" },
        { "PATCH", NoSession, null, "data", 404, "BLOB_UPLOAD_UNKNOWN" },
        { "PUT", NoSession + "?digest=" + Zero, null, null, 404, "BLOB_UPLOAD_UNKNOWN" },
        { "GET", NoSession, null, null, 404, "BLOB_UPLOAD_UNKNOWN" },
        { "DELETE", NoSession, null, null, 404, "BLOB_UPLOAD_UNKNOWN" },
        // end-5 Content-Range "MUST match ^[0-9]+-[0-9]+$"; a chunk whose range is not that is 416 (end-5: 404/416).
        { "PATCH", OpenSession, "Content-Range: x-y", "data", 416, "RANGE_INVALID" },
        // end-7a: a body that is not a manifest of its Content-Type is code-6 MANIFEST_INVALID, 400.
        { "PUT", "/v2/a/manifests/latest", OciManifest, "{", 400, "MANIFEST_INVALID" },
        { "PUT", "/v2/a/manifests/latest", "Content-Type: text/plain", "hello", 400, "MANIFEST_INVALID" },
        { "PUT", "/v2/a/manifests/latest", OciManifest, "{\"schemaVersion\":2,\"config\":{\"digest\":5}}", 400, "MANIFEST_INVALID" },
        { "PUT", "/v2/a/manifests/latest", OciManifest, "[1,2,3]", 400, "MANIFEST_INVALID" },
        { "PUT", "/v2/a/manifests/latest", OciManifest, "{\"schemaVersion\":2,\"layers\":\"x\"}", 400, "MANIFEST_INVALID" },
        // A reference with ':' can only be a digest; a malformed one is DIGEST_INVALID, 400 (before the body is read).
        { "PUT", "/v2/a/manifests/sha256:abc", OciManifest, "{}", 400, "DIGEST_INVALID" },
        // A method the resource does not have: 405 Method Not Allowed with code-13 UNSUPPORTED (and an Allow header).
        { "POST", "/v2/a/manifests/latest", null, null, 405, "UNSUPPORTED" },
        { "PATCH", "/v2/_catalog", null, null, 405, "UNSUPPORTED" },
        { "DELETE", "/v2/", null, null, 405, "UNSUPPORTED" },
        { "GET", "/v2/a/blobs/uploads/", null, null, 405, "UNSUPPORTED" },
    };

    [Theory]
    [MemberData(nameof(Requests))]
    public async Task Malformed_request_gets_the_spec_status_and_error_code(string method, string path, string? header,
        string? body, int expectedStatus, string? expectedCode)
    {
        if (path == OpenSession) path = (await TestImages.StartUploadAsync(fixture.Client, "a")).Location;
        using var request = new HttpRequestMessage(new HttpMethod(method), path.TrimStart('/'));
        if (body is not null) request.Content = new StringContent(body);
        if (header is not null)
        {
            var (name, value) = (header[..header.IndexOf(':')], header[(header.IndexOf(':') + 1)..].Trim());
            if (name == "Content-Type") request.Content!.Headers.ContentType = MediaTypeHeaderValue.Parse(value);
            else if (name == "Content-Range") request.Content!.Headers.TryAddWithoutValidation(name, value);
            else request.Headers.TryAddWithoutValidation(name, value);
        }
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var response = await fixture.Client.SendAsync(request, cts.Token);

        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.True(expectedStatus == (int)response.StatusCode,
            $"{method} {path}: expected {expectedStatus}, got {(int)response.StatusCode} {System.Text.Encoding.UTF8.GetString(bytes)}");
        if (expectedCode is not null)
        {
            Assert.Equal([expectedCode], await TestImages.ErrorCodesAsync(response));
            Assert.Equal(expectedStatus, ErrorCatalog.Find(expectedCode)!.HttpStatus); // the catalog agrees
        }
        switch (expectedStatus)
        {
            case 405: // RFC 9110 section 15.5.6: "The origin server MUST generate an Allow header field in a 405 response"
                Assert.NotEmpty(response.Content.Headers.Allow);
                Assert.DoesNotContain(method, response.Content.Headers.Allow);
                break;
            case 202: // the mount fell back to a session, which a client continues at its Location
                Assert.NotNull(response.Headers.Location);
                break;
            case 200: // the same first page as without last (this collection's tests run one at a time)
                using (var first = await fixture.Client.GetAsync("v2/_catalog", cts.Token))
                    Assert.Equal(await first.Content.ReadAsStringAsync(cts.Token), System.Text.Encoding.UTF8.GetString(bytes));
                using (var json = JsonDocument.Parse(bytes))
                    Assert.Equal(JsonValueKind.Array, json.RootElement.GetProperty("repositories").ValueKind);
                break;
        }
    }
}
