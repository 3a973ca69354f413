using OrleansRegistry.Client.Registry;
using OrleansRegistry.Client.Tests.Infrastructure;
using OrleansRegistry.Core;

namespace OrleansRegistry.Client.Tests.Registry;

/// <summary>The client against our own server, a real process over a real PostgreSQL.</summary>
[Collection(RegistryServerCollection.Name)]
public sealed class OurRegistryClientTests(RegistryFixture fixture) : RegistryClientContract
{
    protected override Uri Registry => fixture.Registry.BaseAddress;

    // Our server moves an upload's offset only when a chunk was written whole: the client asks for the session's
    // Range and sends the broken chunk again, from the committed offset, in the same session.
    protected override void AssertResumed(IReadOnlyList<RecordedRequest> requests, int broken)
    {
        var list = requests.ToList();
        var resumed = list.FindIndex(broken + 1, r => r.IsPatch && r.Status == System.Net.HttpStatusCode.Accepted);
        Assert.True(resumed > broken, "a PATCH after the break was accepted");
        var status = list.FindLastIndex(resumed, r => r.Method == HttpMethod.Get && r.Status == System.Net.HttpStatusCode.NoContent);
        Assert.True(status > broken, "the client asked the registry for the upload's Range after the break");
        Assert.Equal(list[status].CommittedBytes, list[resumed].ContentRangeStart);
        Assert.Equal(list[broken].ContentRangeStart, list[resumed].ContentRangeStart);
        Assert.Equal(list[broken].Uri.AbsolutePath, list[resumed].Uri.AbsolutePath);
        Assert.DoesNotContain(list.Skip(broken), r => r.Method == HttpMethod.Post);
    }

    [Fact]
    public async Task Referrers_list_descriptors_with_artifactType_and_filter_by_it()
    {
        var repository = NewClient().Repository(TestClients.UniqueRepository("client/referrers"));
        var subjectBytes = await PushImageBlobsAsync(repository, 40);
        var subjectDigest = await repository.Manifests.PutAsync("subject", MediaTypes.OciManifest, subjectBytes);
        var subject = new Descriptor(MediaTypes.OciManifest, subjectDigest, subjectBytes.Length);
        var sbom = await PushImageBlobsAsync(repository, 41, artifactType: "application/vnd.example.sbom", subject: subject);
        var signature = await PushImageBlobsAsync(repository, 42, artifactType: "application/vnd.example.signature", subject: subject);
        var sbomDigest = await repository.Manifests.PutAsync(Digest.Compute(sbom).ToString(), MediaTypes.OciManifest, sbom);
        var signatureDigest = await repository.Manifests.PutAsync(Digest.Compute(signature).ToString(), MediaTypes.OciManifest, signature);

        var all = await repository.ListReferrersAsync(subjectDigest).ToListAsync();
        var sboms = await repository.ListReferrersAsync(subjectDigest, "application/vnd.example.sbom").ToListAsync();

        Assert.Equal(new[] { sbomDigest, signatureDigest }.Select(d => d.ToString()).Order(),
            all.Select(d => d.Digest.ToString()).Order());
        var only = Assert.Single(sboms);
        Assert.Equal(new Descriptor(MediaTypes.OciManifest, sbomDigest, sbom.Length, "application/vnd.example.sbom"),
            only with { Annotations = null });
        Assert.Empty(await repository.ListReferrersAsync(Digest.Compute("no subject"u8)).ToListAsync());
    }
}
