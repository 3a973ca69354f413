using System.Security.Cryptography;
using OrleansRegistry.Client.Registry;
using OrleansRegistry.Client.Tests.Infrastructure;
using OrleansRegistry.Core;
using OrleansRegistry.Core.Schema1;

namespace OrleansRegistry.Client.Tests.Registry;

/// <summary>
/// A Docker schema1 signed manifest is named by the digest of its payload without signatures (distribution v2.8
/// manifest/schema1), not of the bytes served: the client must verify it that way, or every schema1 GET would be a
/// digest mismatch.
/// </summary>
[Collection(RegistryServerCollection.Name)]
public sealed class Schema1ManifestClientTests(RegistryFixture fixture)
{
    [Fact]
    public async Task Signed_schema1_manifest_round_trips_under_its_payload_digest()
    {
        var (client, http) = TestClients.Create(fixture.Registry.BaseAddress);
        using var _ = http;
        var repo = client.Repository(TestClients.UniqueRepository("schema1"));
        var layer = TestClients.RandomBytes(4096, seed: 77);
        var layerDigest = Digest.Compute(layer);
        await repo.Blobs.UploadAsync(new Descriptor(MediaTypes.OctetStream, layerDigest, layer.Length), new MemoryStream(layer));

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var manifest = new Schema1Manifest(repo.Name, "v1", "amd64",
            [new Schema1FsLayer(layerDigest)], [new Schema1History("{\"id\":\"layer\"}")]);
        var signed = SignedManifest.Sign(manifest, key);
        Assert.NotEqual(Digest.Compute(signed.Bytes), signed.Digest); // the two digests really differ

        var pushed = await repo.Manifests.PutAsync("v1", MediaTypes.DockerSchema1Signed, signed.Bytes);
        Assert.Equal(signed.Digest, pushed);

        foreach (var reference in new[] { "v1", signed.Digest.ToString() })
        {
            var got = await repo.Manifests.GetAsync(reference, [MediaTypes.DockerSchema1Signed]);
            Assert.Equal(signed.Digest, got.Descriptor.Digest);
            Assert.Equal(signed.Bytes, got.Content);
            Assert.NotEmpty(SignedManifest.Verify(got.Content));
        }
    }
}
