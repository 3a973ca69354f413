using System.Net;
using System.Text;
using System.Text.Json;
using OrleansRegistry.Server.Tests.Infrastructure;

namespace OrleansRegistry.Server.Tests.Api;

/// <summary>Pushing manifests with a subject ("Pushing Manifests with Subject") and listing referrers (end-12a/12b).</summary>
[Collection(RegistryCollection.Name)]
public sealed class ReferrersApiTests(RegistryFixture fixture)
{
    private const string SbomType = "application/vnd.example.sbom.v1";
    private const string SignatureType = "application/vnd.example.signature.v1";

    private HttpClient Client => fixture.Client;

    [Fact] // spec: "Pushing Manifests with Subject": 201 with OCI-Subject: <subject digest>
    public async Task Put_of_a_manifest_with_subject_answers_OCI_Subject()
    {
        var repo = TestImages.UniqueRepo("referrers");
        var (subject, subjectDigest) = await TestImages.PushImageAsync(Client, repo, "v1", seed: 1);
        var referrer = await ArtifactAsync(repo, SbomType, subjectDigest, subject.Length);

        using var response = await TestImages.PutManifestAsync(Client, repo, TestImages.Digest(referrer), referrer);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(subjectDigest, response.Headers.GetValues("OCI-Subject").Single());
    }

    [Fact] // spec: "Listing Referrers" end-12a: an image index of descriptors with mediaType, digest, size, artifactType, annotations
    public async Task Referrers_are_listed_as_an_image_index_of_descriptors()
    {
        var repo = TestImages.UniqueRepo("referrers");
        var (subject, subjectDigest) = await TestImages.PushImageAsync(Client, repo, "v1", seed: 2);
        var annotations = new Dictionary<string, string>
        {
            ["org.opencontainers.image.created"] = "2024-01-01T00:00:00Z",
            ["org.example.sbom.format"] = "json",
        };
        var referrer = await ArtifactAsync(repo, SbomType, subjectDigest, subject.Length, annotations);
        var referrerDigest = await TestImages.PushManifestAsync(Client, repo, TestImages.Digest(referrer), referrer);

        using var response = await Client.GetAsync($"v2/{repo}/referrers/{subjectDigest}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(TestImages.OciIndex, response.Content.Headers.ContentType!.MediaType);
        Assert.False(response.Headers.Contains("OCI-Filters-Applied"));
        using var body = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(2, body.RootElement.GetProperty("schemaVersion").GetInt32());
        Assert.Equal(TestImages.OciIndex, body.RootElement.GetProperty("mediaType").GetString());
        var descriptor = Assert.Single(body.RootElement.GetProperty("manifests").EnumerateArray());
        Assert.Equal(TestImages.OciManifest, descriptor.GetProperty("mediaType").GetString());
        Assert.Equal(referrerDigest, descriptor.GetProperty("digest").GetString());
        Assert.Equal(referrer.Length, descriptor.GetProperty("size").GetInt64());
        Assert.Equal(SbomType, descriptor.GetProperty("artifactType").GetString());
        Assert.Equal(annotations, descriptor.GetProperty("annotations").EnumerateObject()
            .ToDictionary(p => p.Name, p => p.Value.GetString()!));
    }

    [Fact] // spec: "Listing Referrers" end-12b: ?artifactType= filters and the answer says OCI-Filters-Applied: artifactType
    public async Task ArtifactType_filters_and_is_reported_as_applied()
    {
        var repo = TestImages.UniqueRepo("referrers");
        var (subject, subjectDigest) = await TestImages.PushImageAsync(Client, repo, "v1", seed: 3);
        var sbom = await ArtifactAsync(repo, SbomType, subjectDigest, subject.Length);
        var signature = await ArtifactAsync(repo, SignatureType, subjectDigest, subject.Length);
        var sbomDigest = await TestImages.PushManifestAsync(Client, repo, TestImages.Digest(sbom), sbom);
        var signatureDigest = await TestImages.PushManifestAsync(Client, repo, TestImages.Digest(signature), signature);

        using var filtered = await Client.GetAsync($"v2/{repo}/referrers/{subjectDigest}?artifactType={Uri.EscapeDataString(SignatureType)}");

        Assert.Equal(HttpStatusCode.OK, filtered.StatusCode);
        Assert.Equal("artifactType", filtered.Headers.GetValues("OCI-Filters-Applied").Single());
        Assert.Equal([(signatureDigest, SignatureType)], await DescriptorsAsync(filtered));

        using var all = await Client.GetAsync($"v2/{repo}/referrers/{subjectDigest}");
        Assert.Equal(new[] { (sbomDigest, SbomType), (signatureDigest, SignatureType) }.OrderBy(d => d.Item1, StringComparer.Ordinal),
            (await DescriptorsAsync(all)).OrderBy(d => d.Digest, StringComparer.Ordinal));
    }

    [Fact] // spec: "Listing Referrers": never 404; no matching referrers → an empty manifests list
    public async Task A_digest_without_referrers_gets_an_empty_index()
    {
        var repo = TestImages.UniqueRepo("referrers");
        var (_, subjectDigest) = await TestImages.PushImageAsync(Client, repo, "v1", seed: 4);

        foreach (var url in new[]
                 {
                     $"v2/{repo}/referrers/{subjectDigest}",
                     $"v2/{repo}/referrers/{subjectDigest}?artifactType={Uri.EscapeDataString(SbomType)}",
                     $"v2/{repo}/referrers/{TestImages.Digest(Encoding.UTF8.GetBytes("nothing refers to this"))}",
                 })
        {
            using var response = await Client.GetAsync(url);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(TestImages.OciIndex, response.Content.Headers.ContentType!.MediaType);
            using var body = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync());
            Assert.Equal(JsonValueKind.Array, body.RootElement.GetProperty("manifests").ValueKind);
            Assert.Equal(0, body.RootElement.GetProperty("manifests").GetArrayLength());
        }
    }

    [Theory] // spec: "Listing Referrers": a <digest> with an invalid syntax MUST be 400
    [InlineData("sha256:abc")]
    [InlineData("not-a-digest")]
    [InlineData("sha256:ZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ")]
    public async Task An_invalid_digest_is_400(string digest)
    {
        var repo = TestImages.UniqueRepo("referrers");
        await TestImages.PushImageAsync(Client, repo, "v1", seed: 5);

        using var response = await Client.GetAsync($"v2/{repo}/referrers/{digest}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(["DIGEST_INVALID"], await TestImages.ErrorCodesAsync(response));
    }

    [Fact] // spec: "Pushing Manifests with Subject": the subject need not exist yet (referrers may be pushed first)
    public async Task A_referrer_may_be_pushed_before_its_subject()
    {
        var repo = TestImages.UniqueRepo("referrers");
        var absentSubject = TestImages.Digest(Encoding.UTF8.GetBytes($"subject pushed later {Guid.NewGuid()}"));
        var referrer = await ArtifactAsync(repo, SbomType, absentSubject, 1234);

        using var response = await TestImages.PutManifestAsync(Client, repo, TestImages.Digest(referrer), referrer);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(absentSubject, response.Headers.GetValues("OCI-Subject").Single());
        using var listed = await Client.GetAsync($"v2/{repo}/referrers/{absentSubject}");
        Assert.Equal([(TestImages.Digest(referrer), SbomType)], await DescriptorsAsync(listed));
    }

    [Fact] // spec: "Deleting Manifests": a deleted referrer leaves the referrers list
    public async Task A_deleted_referrer_is_no_longer_listed()
    {
        var repo = TestImages.UniqueRepo("referrers");
        var (subject, subjectDigest) = await TestImages.PushImageAsync(Client, repo, "v1", seed: 6);
        var keep = await ArtifactAsync(repo, SbomType, subjectDigest, subject.Length);
        var drop = await ArtifactAsync(repo, SignatureType, subjectDigest, subject.Length);
        var keepDigest = await TestImages.PushManifestAsync(Client, repo, TestImages.Digest(keep), keep);
        var dropDigest = await TestImages.PushManifestAsync(Client, repo, TestImages.Digest(drop), drop);

        using (var deleted = await Client.DeleteAsync($"v2/{repo}/manifests/{dropDigest}"))
            Assert.Equal(HttpStatusCode.Accepted, deleted.StatusCode);

        using var listed = await Client.GetAsync($"v2/{repo}/referrers/{subjectDigest}");
        Assert.Equal([(keepDigest, SbomType)], await DescriptorsAsync(listed));
    }

    [Fact] // spec: "Listing Referrers": an image manifest without artifactType is listed with its config mediaType
    public async Task An_image_manifest_without_artifactType_is_listed_with_its_config_media_type()
    {
        const string configType = "application/vnd.example.config.v1+json";
        var repo = TestImages.UniqueRepo("referrers");
        var (subject, subjectDigest) = await TestImages.PushImageAsync(Client, repo, "v1", seed: 7);
        var config = Encoding.UTF8.GetBytes("{\"example\":true}");
        await TestImages.PushBlobAsync(Client, repo, config);
        var referrer = TestImages.ImageManifest(config, [], subjectDigest, subject.Length, configMediaType: configType);
        var referrerDigest = await TestImages.PushManifestAsync(Client, repo, TestImages.Digest(referrer), referrer);

        using var listed = await Client.GetAsync($"v2/{repo}/referrers/{subjectDigest}");

        Assert.Equal([(referrerDigest, configType)], await DescriptorsAsync(listed));
    }

    [Fact] // spec: "Listing Referrers": an index without artifactType is listed with artifactType omitted
    public async Task An_index_without_artifactType_is_listed_without_one()
    {
        var repo = TestImages.UniqueRepo("referrers");
        var (subject, subjectDigest) = await TestImages.PushImageAsync(Client, repo, "v1", seed: 8);
        var index = TestImages.ImageIndex([(subject, TestImages.OciManifest)], subjectDigest: subjectDigest,
            subjectSize: subject.Length);

        using var put = await TestImages.PutManifestAsync(Client, repo, TestImages.Digest(index), index, TestImages.OciIndex);
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        Assert.Equal(subjectDigest, put.Headers.GetValues("OCI-Subject").Single());

        using var listed = await Client.GetAsync($"v2/{repo}/referrers/{subjectDigest}");
        using var body = JsonDocument.Parse(await listed.Content.ReadAsByteArrayAsync());
        var descriptor = Assert.Single(body.RootElement.GetProperty("manifests").EnumerateArray());
        Assert.Equal(TestImages.OciIndex, descriptor.GetProperty("mediaType").GetString());
        Assert.Equal(TestImages.Digest(index), descriptor.GetProperty("digest").GetString());
        Assert.False(descriptor.TryGetProperty("artifactType", out _), descriptor.GetRawText());
    }

    [Fact] // spec: "Listing Referrers": descriptors are of manifests "in the same <name> namespace"
    public async Task Referrers_of_another_repository_are_not_listed()
    {
        var repo = TestImages.UniqueRepo("referrers");
        var other = TestImages.UniqueRepo("referrers-other");
        var (subject, subjectDigest) = await TestImages.PushImageAsync(Client, repo, "v1", seed: 9);
        var referrer = await ArtifactAsync(other, SbomType, subjectDigest, subject.Length);
        await TestImages.PushManifestAsync(Client, other, TestImages.Digest(referrer), referrer);

        using var listed = await Client.GetAsync($"v2/{repo}/referrers/{subjectDigest}");

        Assert.Empty(await DescriptorsAsync(listed));
    }

    /// <summary>An artifact manifest (empty config, one small layer) referring to a subject; its blobs are pushed.</summary>
    private async Task<byte[]> ArtifactAsync(string repo, string artifactType, string subjectDigest, long subjectSize,
        IDictionary<string, string>? annotations = null)
    {
        var empty = TestImages.EmptyJson();
        var payload = Encoding.UTF8.GetBytes($"{artifactType} {Guid.NewGuid()}");
        await TestImages.PushBlobAsync(Client, repo, empty);
        await TestImages.PushBlobAsync(Client, repo, payload);
        return TestImages.ImageManifest(empty, [payload], subjectDigest, subjectSize, artifactType, annotations,
            configMediaType: TestImages.OciEmpty);
    }

    private static async Task<List<(string Digest, string ArtifactType)>> DescriptorsAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync());
        return body.RootElement.GetProperty("manifests").EnumerateArray()
            .Select(d => (d.GetProperty("digest").GetString()!, d.GetProperty("artifactType").GetString()!))
            .ToList();
    }
}
