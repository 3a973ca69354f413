using System.Net.Http.Headers;
using OrleansRegistry.Core;
using OrleansRegistry.Server.Tests.Infrastructure;

namespace OrleansRegistry.Server.Tests.Api;

/// <summary>
/// The quality bar: every bad input gets a spec error with a 4xx status and the error body, never a 500, a hang
/// or a stack trace. A sweep over malformed paths, arguments, headers and bodies.
/// </summary>
[Collection(RegistryCollection.Name)]
public sealed class MalformedRequestTests(RegistryFixture fixture)
{
    private const string Zero = "sha256:0000000000000000000000000000000000000000000000000000000000000000";

    public static TheoryData<string, string, string?, string?> Requests => new()
    {
        // method, path, header "Name: value", body. (A NUL in the path never reaches the registry: Kestrel
        // itself answers 400 Bad Request.)
        { "GET", "/v2/a/manifests/", null, null },
        { "GET", "/v2/a/manifests/sha256:", null, null },
        { "GET", "/v2/a/manifests/md5:abcd", null, null },
        { "HEAD", "/v2/a/manifests/" + new string('t', 300), null, null },
        { "GET", "/v2/" + new string('a', 256) + "/tags/list", null, null },
        { "GET", "/v2/a/blobs/notadigest", null, null },
        { "GET", "/v2/a/blobs/sha256:zz", null, null },
        { "GET", "/v2/a/blobs/" + Zero, "Range: bytes=oops", null },
        { "GET", "/v2/a/blobs/" + Zero, "Range: bytes=5-1", null },
        { "DELETE", "/v2/a/blobs/sha256:", null, null },
        { "GET", "/v2/a/referrers/nope", null, null },
        { "GET", "/v2/a/tags/list?n=-5", null, null },
        { "GET", "/v2/a/tags/list?n=%FF", null, null },
        { "GET", "/v2/_catalog?n=abc", null, null },
        { "GET", "/v2/_catalog?last=%00%01", null, null },
        { "POST", "/v2/a/blobs/uploads/?digest=nope", null, "data" },
        { "POST", "/v2/a/blobs/uploads/?digest=sha999:abcd", null, "data" },
        { "POST", "/v2/a/blobs/uploads/?mount=nope&from=UPPER", null, null },
        { "PATCH", "/v2/a/blobs/uploads/not-a-uuid", null, "data" },
        { "PATCH", "/v2/a/blobs/uploads/00000000-0000-0000-0000-000000000000", "Content-Range: x-y", "data" },
        { "PUT", "/v2/a/blobs/uploads/00000000-0000-0000-0000-000000000000?digest=" + Zero, null, null },
        { "GET", "/v2/a/blobs/uploads/00000000-0000-0000-0000-000000000000", null, null },
        { "DELETE", "/v2/a/blobs/uploads/00000000-0000-0000-0000-000000000000", null, null },
        { "PUT", "/v2/a/manifests/latest", "Content-Type: application/vnd.oci.image.manifest.v1+json", "{" },
        { "PUT", "/v2/a/manifests/latest", "Content-Type: text/plain", "hello" },
        { "PUT", "/v2/a/manifests/latest", "Content-Type: application/vnd.oci.image.manifest.v1+json", "{\"schemaVersion\":2,\"config\":{\"digest\":5}}" },
        { "PUT", "/v2/a/manifests/latest", "Content-Type: application/vnd.oci.image.manifest.v1+json", "[1,2,3]" },
        { "PUT", "/v2/a/manifests/latest", "Content-Type: application/vnd.oci.image.manifest.v1+json", "{\"schemaVersion\":2,\"layers\":\"x\"}" },
        { "PUT", "/v2/a/manifests/sha256:abc", "Content-Type: application/vnd.oci.image.manifest.v1+json", "{}" },
        { "POST", "/v2/a/manifests/latest", null, null },
        { "PATCH", "/v2/_catalog", null, null },
        { "DELETE", "/v2/", null, null },
        { "GET", "/v2/a/blobs/uploads/", null, null },
    };

    [Theory]
    [MemberData(nameof(Requests))]
    public async Task Malformed_request_gets_a_spec_error_not_a_500(string method, string path, string? header, string? body)
    {
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

        var status = (int)response.StatusCode;
        Assert.InRange(status, 200, 499);
        if (status >= 400 && method != "HEAD")
        {
            var bytes = await response.Content.ReadAsByteArrayAsync();
            Assert.True(ErrorResponse.TryParse(bytes, out var errors), System.Text.Encoding.UTF8.GetString(bytes));
            Assert.All(errors!.Errors, e => Assert.NotNull(ErrorCatalog.Find(e.Code)));
        }
    }
}
