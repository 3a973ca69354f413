using System.Net;
using System.Text;
using OrleansRegistry.Server.Tests.Infrastructure;

namespace OrleansRegistry.Server.Tests.Api;

/// <summary>
/// Manifests as rows through the real server: what each kind of manifest records as its references, a DELETE that
/// fails halfway (a trigger refusing a tag row) changing nothing, and a mount refused while the collector deletes the
/// blob falling back to an upload session.
/// </summary>
[Collection(RegistryCollection.Name)]
public sealed class ManifestRowsApiTests(RegistryFixture fixture)
{
    private HttpClient Client => fixture.Client;

    [Fact]
    public async Task A_delete_that_fails_halfway_answers_an_error_and_leaves_manifest_and_tags_served()
    {
        var repo = TestImages.UniqueRepo("rows-atomic");
        var (manifest, digest) = await TestImages.PushImageAsync(Client, repo, "kept", seed: 901);
        await TestImages.PushManifestAsync(Client, repo, "also", manifest);
        await AssertServedAsync(repo, "kept", manifest); // warm the caches the DELETE must not clear early
        var trigger = $"refuse_{Guid.NewGuid():N}";
        await ExecuteAsync($"""
            CREATE FUNCTION {trigger}() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION 'tag row refused by the test'; END $$;
            CREATE TRIGGER {trigger} BEFORE DELETE ON tags FOR EACH ROW
                WHEN (OLD.repository = '{repo}' AND OLD.tag = 'also') EXECUTE FUNCTION {trigger}();
            """);
        try
        {
            using var failed = await Client.DeleteAsync($"v2/{repo}/manifests/{digest}");

            // The spec's error body (UNKNOWN, with the request id for the log), no stack trace.
            Assert.Equal(HttpStatusCode.InternalServerError, failed.StatusCode);
            Assert.Equal(["UNKNOWN"], await TestImages.ErrorCodesAsync(failed));
            Assert.DoesNotContain(" at ", await failed.Content.ReadAsStringAsync());

            await AssertServedAsync(repo, digest, manifest);
            await AssertServedAsync(repo, "kept", manifest);
            await AssertServedAsync(repo, "also", manifest);
            Assert.Equal(["also", "kept"], await TagsAsync(repo));
        }
        finally
        {
            await ExecuteAsync($"DROP TRIGGER {trigger} ON tags; DROP FUNCTION {trigger}();");
        }

        using var deleted = await Client.DeleteAsync($"v2/{repo}/manifests/{digest}");
        Assert.Equal(HttpStatusCode.Accepted, deleted.StatusCode);
        await AssertUnknownAsync(repo, digest);
        await AssertUnknownAsync(repo, "kept");
        Assert.Empty(await TagsAsync(repo));
    }

    [Fact]
    public async Task Each_kind_of_manifest_records_what_it_references()
    {
        var repo = TestImages.UniqueRepo("rows-refs");
        var (config, layers) = await TestImages.PushImageBlobsAsync(Client, repo, seed: 911);
        var image = TestImages.ImageManifest(config, layers);
        var imageDigest = await TestImages.PushManifestAsync(Client, repo, "image", image);
        var index = TestImages.ImageIndex([(image, TestImages.OciManifest)]);
        var indexDigest = await TestImages.PushManifestAsync(Client, repo, "index", index, TestImages.OciIndex);
        var sbom = Encoding.UTF8.GetBytes("{\"sbom\":true}");
        await TestImages.PushBlobAsync(Client, repo, sbom);
        await TestImages.PushBlobAsync(Client, repo, TestImages.EmptyJson());
        var artifact = TestImages.ImageManifest(TestImages.EmptyJson(), [sbom], subjectDigest: imageDigest,
            subjectSize: image.Length, artifactType: "application/vnd.example.sbom", configMediaType: "application/vnd.oci.empty.v1+json");
        var artifactDigest = await TestImages.PushManifestAsync(Client, repo, TestImages.Digest(artifact), artifact);

        Assert.Equal(
            new[] { ("blob", TestImages.Digest(config), (long)config.Length) }
                .Concat(layers.Select(l => ("blob", TestImages.Digest(l), (long)l.Length))).Order(),
            await ReferencesAsync(repo, imageDigest));
        Assert.Equal([("manifest", imageDigest, (long)image.Length)], await ReferencesAsync(repo, indexDigest));
        Assert.Equal(
            new[]
            {
                ("blob", TestImages.Digest(TestImages.EmptyJson()), (long)TestImages.EmptyJson().Length),
                ("blob", TestImages.Digest(sbom), (long)sbom.Length),
                ("subject", imageDigest, (long)image.Length),
            }.Order(),
            await ReferencesAsync(repo, artifactDigest));
    }

    [Fact] // blob protocol: a link is refused while the collector deletes the blob; the mount falls back to a session
    public async Task A_mount_of_a_blob_being_deleted_falls_back_to_a_session_whose_upload_revives_it()
    {
        var source = TestImages.UniqueRepo("rows-mount-src");
        var target = TestImages.UniqueRepo("rows-mount-dst");
        var data = TestImages.RandomBytes(3000, 921);
        var digest = await TestImages.PushBlobAsync(Client, source, data);
        await ExecuteAsync($"UPDATE blobs SET deleting = true WHERE digest = '{digest}'"); // the collector's first transaction

        using var mount = await Client.PostAsync($"v2/{target}/blobs/uploads/?mount={digest}&from={source}", new ByteArrayContent([]));

        Assert.Equal(HttpStatusCode.Accepted, mount.StatusCode);
        using (var head = new HttpRequestMessage(HttpMethod.Head, $"v2/{target}/blobs/{digest}"))
        using (var absent = await Client.SendAsync(head))
            Assert.Equal(HttpStatusCode.NotFound, absent.StatusCode);

        using var put = await Client.PutAsync(TestImages.WithDigest(mount.Headers.Location!.OriginalString, digest), TestImages.Octets(data));
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        Assert.Equal(data, await Client.GetByteArrayAsync($"v2/{target}/blobs/{digest}"));
        Assert.False(await ScalarAsync<bool>($"SELECT deleting FROM blobs WHERE digest = '{digest}'"));
    }

    private async Task AssertServedAsync(string repo, string reference, byte[] manifest)
    {
        using var response = await Client.GetAsync($"v2/{repo}/manifests/{reference}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(manifest, await response.Content.ReadAsByteArrayAsync());
    }

    private async Task AssertUnknownAsync(string repo, string reference)
    {
        using var response = await Client.GetAsync($"v2/{repo}/manifests/{reference}");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    private async Task<IReadOnlyList<string>> TagsAsync(string repo)
    {
        var body = await Client.GetStringAsync($"v2/{repo}/tags/list");
        using var json = System.Text.Json.JsonDocument.Parse(body);
        var tags = json.RootElement.GetProperty("tags");
        return tags.ValueKind == System.Text.Json.JsonValueKind.Null ? [] : tags.EnumerateArray().Select(t => t.GetString()!).ToList();
    }

    private Task<List<(string Kind, string Digest, long Size)>> ReferencesAsync(string repo, string manifest) =>
        PostgresSql.ManifestReferencesAsync(fixture.ConnectionString, repo, manifest);

    private Task ExecuteAsync(string sql) => PostgresSql.ExecuteAsync(fixture.ConnectionString, sql);

    private Task<T> ScalarAsync<T>(string sql) => PostgresSql.ScalarAsync<T>(fixture.ConnectionString, sql);
}
