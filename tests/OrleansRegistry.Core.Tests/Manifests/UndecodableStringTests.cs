using System.Text;

namespace OrleansRegistry.Core.Tests.Manifests;

/// <summary>
/// Strings JsonDocument accepts but cannot decode (invalid UTF-8, escaped unpaired surrogates) are malformed manifests:
/// MANIFEST_INVALID, never the InvalidOperationException System.Text.Json throws for them (found by the hostile suite: 500).
/// </summary>
public sealed class UndecodableStringTests
{
    private const string Config = "\"config\":{\"mediaType\":\"a/b\",\"digest\":\"sha256:0000000000000000000000000000000000000000000000000000000000000000\",\"size\":0}";

    public static TheoryData<string, byte[]> Bodies => new()
    {
        { MediaTypes.OciManifest, Utf8("{\"schemaVersion\":2,\"annotations\":{\"\\uD800\":\"x\"}," + Config + ",\"layers\":[]}") },
        { MediaTypes.OciManifest, Utf8("{\"schemaVersion\":2,\"annotations\":{\"a\":\"\\uDC00\\uD800\"}," + Config + ",\"layers\":[]}") },
        { MediaTypes.OciManifest, [.. Utf8("{\"schemaVersion\":2,\"mediaType\":\""), 0xC3, 0x28, .. Utf8("\"," + Config + ",\"layers\":[]}")] },
        { MediaTypes.Json, Utf8("{\"schemaVersion\":1,\"mediaType\":\"\\uD800\"}") },
        { MediaTypes.DockerSchema1Signed, Utf8("{\"schemaVersion\":1,\"name\":\"\\uD800\",\"signatures\":[]}") },
    };

    [Theory]
    [MemberData(nameof(Bodies))]
    public void Undecodable_string_is_MANIFEST_INVALID(string contentType, byte[] body)
    {
        _ = ManifestDigest.Compute(contentType, body); // files it under its bytes' digest, without throwing
        var error = Assert.Throws<RegistryException>(() => ManifestParser.Parse(contentType, body));
        Assert.Equal(ErrorCatalog.ManifestInvalid, error.Descriptor);
    }

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);
}
