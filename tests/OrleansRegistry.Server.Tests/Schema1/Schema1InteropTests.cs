using System.Net;
using System.Security.Cryptography;
using System.Text;
using OrleansRegistry.Core;
using OrleansRegistry.Core.Schema1;
using OrleansRegistry.Server.Tests.Infrastructure;

namespace OrleansRegistry.Server.Tests.Schema1;

/// <summary>
/// Docker schema1 signed manifests between our signer, CNCF distribution 2.8.2 (which verifies signatures on PUT,
/// registry/storage/signedmanifesthandler.go verifyManifest, and re-signs with its own key on GET) and our registry
/// (accepted only when every signature verifies and every fsLayers blob exists, served byte for byte).
/// </summary>
[Collection(RegistryCollection.Name)]
public sealed class Schema1InteropTests(RegistryFixture ours, Schema1DistributionFixture distribution)
    : IClassFixture<Schema1DistributionFixture>
{
    [Theory]
    [InlineData("ec")]
    [InlineData("rsa")]
    public async Task Distribution_accepts_a_manifest_we_signed_and_what_it_serves_verifies_with_ours(string keyKind)
    {
        var repo = TestImages.UniqueRepo("schema1/dist");
        var signed = await SignedImageAsync(distribution.Client, repo, keyKind);

        using (var put = await Schema1Push.PutManifestAsync(distribution.Client, repo, "v1", signed.Bytes))
        {
            Assert.True(put.StatusCode == HttpStatusCode.Created,
                $"distribution refused our signed manifest: {(int)put.StatusCode} {await put.Content.ReadAsStringAsync()}\n{distribution.Output}");
            // distribution files schema1 under the digest of the payload without signatures (manifest.go).
            Assert.Equal(signed.Digest.ToString(), TestImages.HeaderValue(put, "Docker-Content-Digest"));
        }

        foreach (var reference in new[] { "v1", signed.Digest.ToString() })
        {
            var (body, contentType, digest) = await Schema1Push.GetManifestAsync(distribution.Client, repo, reference);
            Assert.Equal(Schema1Push.SignedType, contentType);
            Assert.Equal(signed.Digest.ToString(), digest);
            var served = SignedManifest.Parse(body);
            // distribution stores only the payload and signs it again with its own key when serving it.
            var keys = served.Verify();
            Assert.NotEmpty(keys);
            Assert.Equal(signed.Payload, served.Payload);
            Assert.Equal(signed.Manifest.FsLayers, served.Manifest.FsLayers);
        }
    }

    [Fact]
    public async Task Distribution_refuses_a_tampered_manifest()
    {
        var repo = TestImages.UniqueRepo("schema1/dist");
        var signed = await SignedImageAsync(distribution.Client, repo, "ec");

        using var put = await Schema1Push.PutManifestAsync(distribution.Client, repo, "v1", Tamper(signed));
        Assert.Equal(HttpStatusCode.BadRequest, put.StatusCode);
        Assert.Contains("MANIFEST_UNVERIFIED", await TestImages.ErrorCodesAsync(put));
    }

    [Theory]
    [InlineData("ec", Schema1Push.SignedType)]
    [InlineData("rsa", Schema1Push.SignedType)]
    [InlineData("ec", "application/vnd.docker.distribution.manifest.v1+json")]
    public async Task Ours_accepts_a_signed_manifest_and_serves_it_byte_for_byte(string keyKind, string contentType)
    {
        var repo = TestImages.UniqueRepo("schema1/ours");
        var signed = await SignedImageAsync(ours.Client, repo, keyKind);

        using (var put = await Schema1Push.PutManifestAsync(ours.Client, repo, "v1", signed.Bytes, contentType))
            Assert.True(put.StatusCode == HttpStatusCode.Created, $"{(int)put.StatusCode}: {await put.Content.ReadAsStringAsync()}");

        var (body, servedType, _) = await Schema1Push.GetManifestAsync(ours.Client, repo, "v1");
        Assert.Equal(signed.Bytes, body);
        Assert.Equal(Schema1Push.SignedType, servedType);
        Assert.Single(SignedManifest.Verify(body));
    }

    [Fact]
    public async Task Ours_files_schema1_under_the_digest_distribution_uses()
    {
        // Needs ManifestEndpoints.Put to digest with ManifestDigest.Compute (the payload without signatures).
        var repo = TestImages.UniqueRepo("schema1/ours");
        var signed = await SignedImageAsync(ours.Client, repo, "ec");

        using (var put = await Schema1Push.PutManifestAsync(ours.Client, repo, "v1", signed.Bytes))
        {
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);
            Assert.Equal(signed.Digest.ToString(), TestImages.HeaderValue(put, "Docker-Content-Digest"));
        }
        var (body, _, digest) = await Schema1Push.GetManifestAsync(ours.Client, repo, signed.Digest.ToString());
        Assert.Equal(signed.Bytes, body);
        Assert.Equal(signed.Digest.ToString(), digest);
    }

    [Fact]
    public async Task Ours_accepts_what_distribution_signed()
    {
        var repo = TestImages.UniqueRepo("schema1/both");
        var signed = await SignedImageAsync(distribution.Client, repo, "ec");
        using (var put = await Schema1Push.PutManifestAsync(distribution.Client, repo, "v1", signed.Bytes))
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        var (fromDistribution, _, _) = await Schema1Push.GetManifestAsync(distribution.Client, repo, "v1");
        Assert.NotEqual(signed.Bytes, fromDistribution); // distribution's own signature now

        foreach (var layer in signed.Manifest.FsLayers.Select(l => l.BlobSum).Distinct())
            await Schema1Push.PushBlobAsync(ours.Client, repo, LayerBytes[layer.ToString()]);
        using (var put = await Schema1Push.PutManifestAsync(ours.Client, repo, "v1", fromDistribution))
            Assert.True(put.StatusCode == HttpStatusCode.Created, $"{(int)put.StatusCode}: {await put.Content.ReadAsStringAsync()}");
        Assert.Equal(fromDistribution, (await Schema1Push.GetManifestAsync(ours.Client, repo, "v1")).Body);
    }

    [Fact]
    public async Task Ours_refuses_a_tampered_manifest_as_unverified()
    {
        var repo = TestImages.UniqueRepo("schema1/ours");
        var signed = await SignedImageAsync(ours.Client, repo, "ec");

        using var put = await Schema1Push.PutManifestAsync(ours.Client, repo, "v1", Tamper(signed));
        Assert.Equal(HttpStatusCode.BadRequest, put.StatusCode);
        Assert.Equal(["MANIFEST_UNVERIFIED"], await TestImages.ErrorCodesAsync(put));
        using var get = await ours.Client.GetAsync($"v2/{repo}/manifests/v1");
        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
    }

    [Fact]
    public async Task Ours_refuses_an_unsigned_schema1_manifest_as_unverified()
    {
        var repo = TestImages.UniqueRepo("schema1/ours");
        var signed = await SignedImageAsync(ours.Client, repo, "ec");

        using var put = await Schema1Push.PutManifestAsync(ours.Client, repo, "v1", signed.Payload);
        Assert.Equal(HttpStatusCode.BadRequest, put.StatusCode);
        Assert.Equal(["MANIFEST_UNVERIFIED"], await TestImages.ErrorCodesAsync(put));
    }

    [Fact]
    public async Task Ours_refuses_a_manifest_whose_fs_layer_blob_is_missing()
    {
        var repo = TestImages.UniqueRepo("schema1/ours");
        var signed = await SignedImageAsync(ours.Client, repo, "ec", pushLayers: 1); // the second layer never uploaded

        using var put = await Schema1Push.PutManifestAsync(ours.Client, repo, "v1", signed.Bytes);
        Assert.Equal(HttpStatusCode.BadRequest, put.StatusCode);
        Assert.Equal(["MANIFEST_BLOB_UNKNOWN"], await TestImages.ErrorCodesAsync(put));
    }

    // ---- helpers ----

    private static readonly Dictionary<string, byte[]> LayerBytes = new();

    /// <summary>Two fresh layers (pushed to <paramref name="client"/>, the first <paramref name="pushLayers"/> of them) and a
    /// schema1 manifest over them named after the repository, signed with a new key of the given kind.</summary>
    private static async Task<SignedManifest> SignedImageAsync(HttpClient client, string repo, string keyKind, int pushLayers = 2)
    {
        var seed = Random.Shared.Next();
        var layers = new[] { TestImages.RandomBytes(1500, seed), TestImages.RandomBytes(900, seed + 1) };
        lock (LayerBytes)
            foreach (var layer in layers) LayerBytes[TestImages.Digest(layer)] = layer;
        foreach (var layer in layers.Take(pushLayers)) await Schema1Push.PushBlobAsync(client, repo, layer);

        var manifest = new Schema1Manifest(repo, "v1", "amd64",
            layers.Select(l => new Schema1FsLayer(Digest.Parse(TestImages.Digest(l)))).ToList(),
            [
                new Schema1History($$$"""{"id":"{{{seed:x8}}}b","parent":"{{{seed:x8}}}a","created":"2024-01-01T00:00:00Z","container_config":{"Cmd":["/bin/sh -c #(nop) ADD file:b in /"]}}"""),
                new Schema1History($$$"""{"id":"{{{seed:x8}}}a","created":"2024-01-01T00:00:00Z","architecture":"amd64","os":"linux"}"""),
            ]);
        using AsymmetricAlgorithm key = keyKind == "ec" ? ECDsa.Create(ECCurve.NamedCurves.nistP256) : RSA.Create(2048);
        return SignedManifest.Sign(manifest, key);
    }

    /// <summary>The signed document with one payload byte changed (the tag), signatures untouched.</summary>
    private static byte[] Tamper(SignedManifest signed)
    {
        var text = Encoding.UTF8.GetString(signed.Bytes);
        Assert.Contains("\"tag\": \"v1\"", text);
        return Encoding.UTF8.GetBytes(text.Replace("\"tag\": \"v1\"", "\"tag\": \"v2\""));
    }
}
