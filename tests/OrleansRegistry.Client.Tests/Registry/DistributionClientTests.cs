using OrleansRegistry.Client.Registry;
using OrleansRegistry.Client.Tests.Infrastructure;
using OrleansRegistry.Core;

namespace OrleansRegistry.Client.Tests.Registry;

/// <summary>The client against CNCF distribution 2.8.2: what it does against our server it must do against any OCI registry.</summary>
[Collection(DistributionCollection.Name)]
public sealed class DistributionClientTests(DistributionRegistryFixture fixture) : RegistryClientContract
{
    protected override Uri Registry => new($"http://{fixture.HostPort}/");

    protected override bool PagesTags => false;

    // distribution 2.8.2 keeps the part of a broken chunk that reached its file, but its signed _state still names the
    // old offset, so the session answers BLOB_UPLOAD_INVALID from then on: the client asks, then starts a new session.
    protected override void AssertResumed(IReadOnlyList<RecordedRequest> requests, int broken)
    {
        var after = requests.Skip(broken + 1).ToList();
        Assert.Equal(HttpMethod.Get, after[0].Method);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, after[0].Status);
        var restart = after.FindIndex(r => r.Method == HttpMethod.Post && r.Status == System.Net.HttpStatusCode.Accepted);
        Assert.True(restart > 0, "a new upload session was opened");
        var patches = after.Skip(restart).Where(r => r.IsPatch).ToList();
        Assert.Equal([0L, 262_144, 524_288, 786_432, 1_048_576], patches.Select(p => p.ContentRangeStart));
    }

    [Fact]
    public async Task Referrers_fall_back_to_the_referrers_tag_where_the_API_is_missing()
    {
        // distribution 2.8.2 has no referrers API (404), so the spec's tag schema is where referrers are found.
        var repository = NewClient().Repository(TestClients.UniqueRepository("client/referrers-tag"));
        var subjectBytes = await PushImageBlobsAsync(repository, 50);
        var subjectDigest = await repository.Manifests.PutAsync("subject", MediaTypes.OciManifest, subjectBytes);
        var subject = new Descriptor(MediaTypes.OciManifest, subjectDigest, subjectBytes.Length);
        var sbom = await PushImageBlobsAsync(repository, 51, artifactType: "application/vnd.example.sbom", subject: subject);
        var sbomDigest = await repository.Manifests.PutAsync(Digest.Compute(sbom).ToString(), MediaTypes.OciManifest, sbom);
        var other = await PushImageBlobsAsync(repository, 52, artifactType: "application/vnd.example.other", subject: subject);
        var otherDigest = await repository.Manifests.PutAsync(Digest.Compute(other).ToString(), MediaTypes.OciManifest, other);
        var index = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(new
        {
            schemaVersion = 2,
            mediaType = MediaTypes.OciIndex,
            manifests = new[]
            {
                new { mediaType = MediaTypes.OciManifest, digest = sbomDigest.ToString(), size = sbom.Length, artifactType = "application/vnd.example.sbom" },
                new { mediaType = MediaTypes.OciManifest, digest = otherDigest.ToString(), size = other.Length, artifactType = "application/vnd.example.other" },
            },
        });

        Assert.Empty(await repository.ListReferrersAsync(subjectDigest).ToListAsync()); // no tag yet: none
        await repository.Manifests.PutAsync($"sha256-{subjectDigest.Encoded}", MediaTypes.OciIndex, index);

        Assert.Equal(2, (await repository.ListReferrersAsync(subjectDigest).ToListAsync()).Count);
        var sboms = await repository.ListReferrersAsync(subjectDigest, "application/vnd.example.sbom").ToListAsync();
        Assert.Equal(sbomDigest, Assert.Single(sboms).Digest);
    }
}
