using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using OrleansRegistry.Core.Schema1;

namespace OrleansRegistry.Core.Tests.Manifests.Schema1;

/// <summary>Manifests, keys and byte edits shared by the schema1 tests.</summary>
internal static class Schema1Samples
{
    /// <summary>
    /// A schema1 manifest signed by CNCF distribution 2.8.2 itself (docker-registry with compatibility.schema1 enabled,
    /// a schema2 image fetched by tag without a schema2 Accept header, so distribution converted and signed it with its
    /// own key), stored byte for byte as served. Its response said
    /// <c>Docker-Content-Digest: sha256:fd79b025b9e7107597647d2b25e881e28d0f1bd6a76c3c887a33a4e3af2e9d36</c>.
    /// </summary>
    public static byte[] DistributionSigned => File.ReadAllBytes(Path.Combine(Here(), "distribution-2.8.2-signed.json"));

    public const string DistributionDigest = "sha256:fd79b025b9e7107597647d2b25e881e28d0f1bd6a76c3c887a33a4e3af2e9d36";

    public const string DistributionKeyId = "UAXP:JFEV:GAE4:UTN3:TPGD:PRUZ:B3ZV:GSFU:UUME:DP4O:NAZM:KSUG";

    public static readonly DateTimeOffset SigningTime = new(2024, 5, 6, 7, 8, 9, TimeSpan.Zero);

    public static Schema1Manifest Manifest(string tag = "v1") => new(
        "team/app", tag, "amd64",
        [
            new Schema1FsLayer(Digest.Compute("layer two"u8)),
            new Schema1FsLayer(Digest.Compute("layer one"u8)),
        ],
        [
            new Schema1History("""{"id":"2","parent":"1","container_config":{"Cmd":["/bin/sh -c echo <hi> & bye"]}}"""),
            new Schema1History("""{"id":"1","created":"2024-01-01T00:00:00Z"}"""),
        ]);

    public static ECDsa EcKey() => ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public static RSA RsaKey() => RSA.Create(2048);

    public static string Text(byte[] bytes) => Encoding.UTF8.GetString(bytes);

    public static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    /// <summary>Replaces exactly one occurrence of <paramref name="from"/>; fails the test when there is not exactly one.</summary>
    public static byte[] ReplaceOnce(byte[] document, string from, string to)
    {
        var text = Text(document);
        var at = text.IndexOf(from, StringComparison.Ordinal);
        Assert.True(at >= 0 && text.IndexOf(from, at + 1, StringComparison.Ordinal) < 0, $"expected one \"{from}\"");
        return Bytes(text[..at] + to + text[(at + from.Length)..]);
    }

    /// <summary>The value of the first <c>"name": "value"</c> in the document.</summary>
    public static string StringValue(byte[] document, string name)
    {
        var match = System.Text.RegularExpressions.Regex.Match(Text(document), $"\"{name}\": \"([^\"]*)\"");
        Assert.True(match.Success, $"no \"{name}\" in the document");
        return match.Groups[1].Value;
    }

    public static RegistryException Unverified(Action action)
    {
        var e = Assert.Throws<RegistryException>(action);
        Assert.Same(ErrorCatalog.ManifestUnverified, e.Descriptor);
        return e;
    }

    private static string Here([CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;
}
