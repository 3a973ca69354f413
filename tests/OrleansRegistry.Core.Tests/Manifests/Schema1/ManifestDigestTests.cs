using OrleansRegistry.Core.Schema1;
using static OrleansRegistry.Core.Tests.Manifests.Schema1.Schema1Samples;

namespace OrleansRegistry.Core.Tests.Manifests.Schema1;

// distribution v2.8 manifest/schema1/manifest.go: a schema1 manifest's descriptor digest is digest.FromBytes(Canonical);
// every other type is digested over its bytes (spec: "Pushing Manifests").
public sealed class ManifestDigestTests
{
    [Theory]
    [InlineData(MediaTypes.DockerSchema1Signed)]
    [InlineData(MediaTypes.DockerSchema1)]
    [InlineData(MediaTypes.Json)]
    [InlineData(null)]
    public void Schema1_is_digested_over_its_payload(string? contentType)
    {
        using var key = EcKey();
        var signed = SignedManifest.Sign(Manifest(), key, SigningTime);
        Assert.Equal(Digest.Compute(signed.Payload), ManifestDigest.Compute(contentType, signed.Bytes));
        Assert.Equal(Digest.Compute(signed.Payload, Digest.Sha512), ManifestDigest.Compute(contentType, signed.Bytes, Digest.Sha512));
    }

    [Fact]
    public void Other_manifests_are_digested_over_their_bytes()
    {
        var body = Bytes(ManifestSamples.OciImage);
        Assert.Equal(Digest.Compute(body), ManifestDigest.Compute(MediaTypes.OciManifest, body));
        Assert.Equal(Digest.Compute(body), ManifestDigest.Compute(null, body));
    }

    [Fact]
    public void Schema1_sent_as_another_type_is_digested_over_its_bytes()
    {
        using var key = EcKey();
        var signed = SignedManifest.Sign(Manifest(), key, SigningTime);
        Assert.Equal(Digest.Compute(signed.Bytes), ManifestDigest.Compute(MediaTypes.OciManifest, signed.Bytes));
    }

    [Fact]
    public void Unreadable_schema1_falls_back_to_the_bytes()
    {
        var unsigned = Manifest().ToPayload();
        Assert.Equal(Digest.Compute(unsigned), ManifestDigest.Compute(MediaTypes.DockerSchema1Signed, unsigned));
        Assert.Equal(Digest.Compute("not json"u8), ManifestDigest.Compute(MediaTypes.DockerSchema1Signed, "not json"u8));
    }
}
