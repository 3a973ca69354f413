using OrleansRegistry.Core.Schema1;
using static OrleansRegistry.Core.Tests.Manifests.Schema1.Schema1Samples;

namespace OrleansRegistry.Core.Tests.Manifests.Schema1;

// Registry acceptance of Docker schema1 (distribution v2.8 registry/storage/signedmanifesthandler.go verifyManifest:
// signatures must verify → MANIFEST_UNVERIFIED; fsLayers are the references; history and fsLayers match in number).
public sealed class Schema1ParserTests
{
    private static byte[] Signed(Schema1Manifest? manifest = null)
    {
        using var key = EcKey();
        return SignedManifest.Sign(manifest ?? Manifest(), key, SigningTime).Bytes;
    }

    [Theory]
    [InlineData(MediaTypes.DockerSchema1Signed)]
    [InlineData(MediaTypes.DockerSchema1)]
    [InlineData("application/vnd.docker.distribution.manifest.v1+prettyjws; charset=utf-8")]
    [InlineData(MediaTypes.Json)] // distribution registers schema1 for application/json and for no Content-Type
    [InlineData(null)]
    public void Signed_schema1_parses_with_its_fs_layers_as_blobs(string? contentType)
    {
        var parsed = ManifestParser.Parse(contentType, Signed());

        Assert.Equal(MediaTypes.DockerSchema1Signed, parsed.MediaType);
        Assert.True(parsed.IsSchema1);
        Assert.False(parsed.IsIndex);
        Assert.Null(parsed.Config);
        Assert.Null(parsed.Subject);
        Assert.Empty(parsed.Manifests);
        Assert.Equal(Manifest().FsLayers.Select(l => l.BlobSum), parsed.ReferencedBlobs.Select(d => d.Digest));
        Assert.All(parsed.Layers, l => Assert.Equal(MediaTypes.DockerSchema1Layer, l.MediaType));
        Assert.Null(parsed.EffectiveArtifactType);
    }

    [Fact]
    public void Distribution_signed_manifest_parses() =>
        Assert.Single(ManifestParser.Parse(MediaTypes.DockerSchema1Signed, DistributionSigned).ReferencedBlobs);

    [Theory]
    [InlineData(MediaTypes.DockerSchema1Signed)]
    [InlineData(MediaTypes.DockerSchema1)]
    [InlineData(MediaTypes.Json)]
    [InlineData(null)]
    public void Unsigned_schema1_is_unverified(string? contentType)
    {
        var e = Unverified(() => ManifestParser.Parse(contentType, Manifest().ToPayload()));
        Assert.Contains("no \"signatures\"", e.Message);
    }

    [Fact]
    public void Tampered_schema1_is_unverified() =>
        Unverified(() => ManifestParser.Parse(MediaTypes.DockerSchema1Signed, ReplaceOnce(Signed(), "\"tag\": \"v1\"", "\"tag\": \"v2\"")));

    [Fact]
    public void Schema1_sent_as_an_oci_or_schema2_type_is_invalid()
    {
        var e = Assert.Throws<RegistryException>(() => ManifestParser.Parse(MediaTypes.OciManifest, Signed()));
        Assert.Same(ErrorCatalog.ManifestInvalid, e.Descriptor);
        Assert.Contains("schema1", e.Message);
        Assert.Same(ErrorCatalog.ManifestInvalid,
            Assert.Throws<RegistryException>(() => ManifestParser.Parse(MediaTypes.DockerManifest, Signed())).Descriptor);
    }

    [Fact]
    public void History_and_fs_layers_must_match_in_number()
    {
        var manifest = Manifest() with { History = [new Schema1History("{}")] };
        var e = Assert.Throws<RegistryException>(() => ManifestParser.Parse(MediaTypes.DockerSchema1Signed, Signed(manifest)));
        Assert.Same(ErrorCatalog.ManifestInvalid, e.Descriptor);
        Assert.Contains("cardinality", e.Message);
    }

    [Fact]
    public void Name_must_be_a_repository_name()
    {
        var e = Assert.Throws<RegistryException>(() =>
            ManifestParser.Parse(MediaTypes.DockerSchema1Signed, Signed(Manifest() with { Name = "Not/Valid" })));
        Assert.Same(ErrorCatalog.ManifestInvalid, e.Descriptor);
    }

    [Fact]
    public void Blob_sums_must_be_supported_digests()
    {
        using var key = EcKey();
        var payload = ReplaceOnce(Manifest().ToPayload(), Digest.Compute("layer one"u8).ToString(), "tarsum.dev+sha256:abc");
        var e = Assert.Throws<RegistryException>(() => SignedManifest.SignPayload(payload, [key], SigningTime));
        Assert.Same(ErrorCatalog.ManifestInvalid, e.Descriptor);
        Assert.Contains("fsLayers[1].blobSum", e.Message);
    }

    [Fact]
    public void Schema1_is_a_manifest_type()
    {
        Assert.True(MediaTypes.IsManifest(MediaTypes.DockerSchema1Signed));
        Assert.True(MediaTypes.IsManifest(MediaTypes.DockerSchema1));
        Assert.False(MediaTypes.IsImageManifest(MediaTypes.DockerSchema1Signed));
        Assert.False(MediaTypes.IsIndex(MediaTypes.DockerSchema1Signed));
    }
}
