using System.Text.RegularExpressions;
using OrleansRegistry.Core.Schema1;
using static OrleansRegistry.Core.Tests.Manifests.Schema1.Schema1Samples;

namespace OrleansRegistry.Core.Tests.Manifests.Schema1;

// A manifest that CNCF distribution 2.8.2 signed with its own libtrust key (see Schema1Samples.DistributionSigned).
public sealed class DistributionSignedManifestTests
{
    [Fact]
    public void Verifies_with_ours_and_names_distributions_key()
    {
        var key = Assert.Single(SignedManifest.Verify(DistributionSigned));
        // libtrust's key ID, computed by us from the JWK's x and y, equals the kid libtrust wrote.
        Assert.Equal(DistributionKeyId, key.KeyId);
        Assert.Equal("EC", key.KeyType);
    }

    [Fact]
    public void Payload_digest_is_the_docker_content_digest_distribution_sent()
    {
        var signed = SignedManifest.Parse(DistributionSigned);
        Assert.Equal(DistributionDigest, signed.Digest.ToString());
        Assert.Equal(DistributionDigest, ManifestDigest.Compute(MediaTypes.DockerSchema1Signed, DistributionSigned).ToString());
        Assert.NotEqual(DistributionDigest, Digest.Compute(DistributionSigned).ToString());
    }

    [Fact]
    public void Fields_read_from_the_payload()
    {
        var manifest = SignedManifest.Parse(DistributionSigned).Manifest;
        Assert.Equal("fixture/s1", manifest.Name);
        Assert.Equal("v1", manifest.Tag);
        Assert.Equal("amd64", manifest.Architecture);
        Assert.Equal("sha256:b9f3b218d5d67f17fdf7f43bd7350afe5f38cbca1b2e52cee62a738dc86d9620", Assert.Single(manifest.FsLayers).BlobSum.ToString());
        Assert.StartsWith("{\"architecture\":\"amd64\",\"config\":{\"Cmd\":[\"/bin/sh\"]", Assert.Single(manifest.History).V1Compatibility);
    }

    [Fact]
    public void Our_payload_of_the_same_manifest_is_byte_identical_to_distributions()
    {
        var signed = SignedManifest.Parse(DistributionSigned);
        Assert.Equal(Text(signed.Payload), Text(signed.Manifest.ToPayload()));
    }

    [Fact]
    public void Our_signed_document_has_distributions_layout()
    {
        var theirs = SignedManifest.Parse(DistributionSigned);
        using var key = EcKey();
        var ours = SignedManifest.SignPayload(theirs.Payload, [key], SigningTime);
        // Everything but key material, signature and protected header (which hold the time) is the same, byte for byte.
        Assert.Equal(Mask(DistributionSigned), Mask(ours.Bytes));
    }

    [Fact]
    public void Tampered_distribution_manifest_fails()
    {
        var tampered = ReplaceOnce(DistributionSigned, "\"architecture\": \"amd64\"", "\"architecture\": \"arm64\"");
        Unverified(() => SignedManifest.Verify(tampered));
    }

    private static string Mask(byte[] document) =>
        Regex.Replace(Text(document), "\"(kid|x|y|signature|protected)\": \"[^\"]*\"", "\"$1\": \"…\"");
}
