using System.Text.Json;
using CsCheck;

namespace OrleansRegistry.Core.Tests.Properties;

/// <summary>
/// Manifests (image-spec "Image Manifest", "Image Index", "Descriptors") written by a JSON serializer parse back to the
/// same descriptors, and the digest under which one is filed is the digest of its bytes.
/// </summary>
public sealed class ManifestProperties
{
    // Any text a JSON writer can carry: every char but the lone surrogates (JSON strings hold Unicode scalar values).
    private static readonly Gen<string> AnyText = Gen.Frequency((3, Gen.Char['\0', '\uD7FF']), (1, Gen.Char['\uE000', '\uFFFF']))
        .Array[0, 20].Select(chars => new string(chars));

    private static readonly Gen<Descriptor> Descriptors = Gen.Select(
        Gen.OneOf("application/vnd.oci.image.layer.v1.tar+gzip", "application/vnd.oci.empty.v1+json", "a/b+c;p=1"),
        Gen.Byte.Array[32], Gen.Long[0, long.MaxValue], AnyText.Dictionary(AnyText)[0, 3].Null(0.3),
        (mediaType, hash, size, annotations) => new Descriptor(mediaType, Digest.Parse("sha256:" + Convert.ToHexStringLower(hash)), size,
            null, annotations));

    [Fact]
    public void Image_manifest_round_trips_its_config_and_layers() =>
        Gen.Select(Descriptors, Descriptors.Array[0, 5]).Sample((config, layers) =>
        {
            var body = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
            {
                ["schemaVersion"] = 2, ["mediaType"] = MediaTypes.OciManifest, ["config"] = Json(config), ["layers"] = layers.Select(Json).ToArray(),
            });
            var parsed = ManifestParser.Parse(MediaTypes.OciManifest, body);
            Assert.Equal(MediaTypes.OciManifest, parsed.MediaType);
            AssertSame(config, parsed.Config!);
            Assert.Equal(layers.Length, parsed.Layers.Count);
            for (var i = 0; i < layers.Length; i++) AssertSame(layers[i], parsed.Layers[i]);
            Assert.Equal(Digest.Compute(body), ManifestDigest.Compute(MediaTypes.OciManifest, body));
        });

    [Fact]
    public void Image_index_round_trips_its_children() =>
        Descriptors.Array[0, 5].Sample(children =>
        {
            var body = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
            {
                ["schemaVersion"] = 2, ["manifests"] = children.Select(Json).ToArray(),
            });
            var parsed = ManifestParser.Parse(null, body); // no type anywhere: the shape says index
            Assert.True(parsed.IsIndex);
            Assert.Null(parsed.Config);
            Assert.Equal(children.Length, parsed.Manifests.Count);
            for (var i = 0; i < children.Length; i++) AssertSame(children[i], parsed.Manifests[i]);
        });

    private static Dictionary<string, object> Json(Descriptor d)
    {
        var json = new Dictionary<string, object> { ["mediaType"] = d.MediaType, ["digest"] = d.Digest.ToString(), ["size"] = d.Size };
        if (d.Annotations is not null) json["annotations"] = d.Annotations;
        return json;
    }

    private static void AssertSame(Descriptor expected, Descriptor actual)
    {
        Assert.Equal(expected.MediaType, actual.MediaType);
        Assert.Equal(expected.Digest, actual.Digest);
        Assert.Equal(expected.Size, actual.Size);
        Assert.Equal(expected.Annotations ?? new Dictionary<string, string>(), actual.Annotations ?? new Dictionary<string, string>());
    }
}
