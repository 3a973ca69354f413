using System.Net;
using System.Net.Http.Headers;
using System.Text;
using OrleansRegistry.Server.Tests.Infrastructure;

namespace OrleansRegistry.Server.Tests.Api;

/// <summary>Pushing (end-7), pulling (end-3) and deleting (end-9) manifests through the real server.</summary>
[Collection(RegistryCollection.Name)]
public sealed class ManifestApiTests(RegistryFixture fixture)
{
    private HttpClient Client => fixture.Client;

    // ---- push ----

    [Fact] // spec: "Pushing Manifests" end-7: 201, Location (a pullable manifest URL), Docker-Content-Digest
    public async Task Put_by_tag_answers_201_with_location_and_digest()
    {
        var repo = TestImages.UniqueRepo("manifests");
        var (config, layers) = await TestImages.PushImageBlobsAsync(Client, repo, seed: 11);
        var manifest = TestImages.ImageManifest(config, layers);
        var digest = TestImages.Digest(manifest);

        using var response = await TestImages.PutManifestAsync(Client, repo, "v1", manifest);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(digest, response.Headers.GetValues("Docker-Content-Digest").Single());
        var location = response.Headers.Location;
        Assert.NotNull(location);
        using var pulled = await Client.GetAsync(location);
        Assert.Equal(HttpStatusCode.OK, pulled.StatusCode);
        Assert.Equal(manifest, await pulled.Content.ReadAsByteArrayAsync());
    }

    [Fact] // spec: "Pushing Manifests" end-7 by digest: Docker-Content-Digest MUST equal the client provided digest
    public async Task Put_by_digest_answers_201_and_creates_no_tag()
    {
        var repo = TestImages.UniqueRepo("manifests");
        var (config, layers) = await TestImages.PushImageBlobsAsync(Client, repo, seed: 12);
        var manifest = TestImages.ImageManifest(config, layers);
        var digest = TestImages.Digest(manifest);

        using var response = await TestImages.PutManifestAsync(Client, repo, digest, manifest);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(digest, response.Headers.GetValues("Docker-Content-Digest").Single());
        Assert.NotNull(response.Headers.Location);
        using var pulled = await Client.GetAsync(response.Headers.Location);
        Assert.Equal(manifest, await pulled.Content.ReadAsByteArrayAsync());
        Assert.Empty(await TagsAsync(repo));
    }

    [Fact] // spec: "Pushing Manifests": the returned digest MUST equal the client provided digest, whatever its algorithm
    public async Task Put_by_sha512_digest_is_stored_under_that_digest()
    {
        var repo = TestImages.UniqueRepo("manifests");
        var (config, layers) = await TestImages.PushImageBlobsAsync(Client, repo, seed: 13);
        var manifest = TestImages.ImageManifest(config, layers);
        var digest = TestImages.Sha512Digest(manifest);

        using var response = await TestImages.PutManifestAsync(Client, repo, digest, manifest);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(digest, response.Headers.GetValues("Docker-Content-Digest").Single());
        using var pulled = await Client.GetAsync($"v2/{repo}/manifests/{digest}");
        Assert.Equal(HttpStatusCode.OK, pulled.StatusCode);
        Assert.Equal(manifest, await pulled.Content.ReadAsByteArrayAsync());
    }

    // ---- pull ----

    [Theory] // spec: "Pulling manifests" end-3: GET by tag or digest, byte-identical, with its type, length and digest
    [InlineData("tag")]
    [InlineData("digest")]
    public async Task Get_returns_the_exact_bytes_with_type_length_and_digest(string by)
    {
        var repo = TestImages.UniqueRepo("manifests");
        var (manifest, digest) = await TestImages.PushImageAsync(Client, repo, "v1", seed: 21);

        using var response = await Client.GetAsync($"v2/{repo}/manifests/{(by == "tag" ? "v1" : digest)}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(manifest, await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(TestImages.OciManifest, response.Content.Headers.ContentType!.MediaType);
        Assert.Equal(manifest.Length, response.Content.Headers.ContentLength);
        Assert.Equal(digest, response.Headers.GetValues("Docker-Content-Digest").Single());
    }

    [Theory] // spec: "Pulling manifests" / "Checking if content exists in the registry" end-3 HEAD: headers, no body
    [InlineData("tag")]
    [InlineData("digest")]
    public async Task Head_returns_headers_without_a_body(string by)
    {
        var repo = TestImages.UniqueRepo("manifests");
        var (manifest, digest) = await TestImages.PushImageAsync(Client, repo, "v1", seed: 22);

        using var request = new HttpRequestMessage(HttpMethod.Head, $"v2/{repo}/manifests/{(by == "tag" ? "v1" : digest)}");
        using var response = await Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(manifest.Length, response.Content.Headers.ContentLength);
        Assert.Equal(TestImages.OciManifest, response.Content.Headers.ContentType!.MediaType);
        Assert.Equal(digest, response.Headers.GetValues("Docker-Content-Digest").Single());
    }

    // ---- each manifest type ----

    [Theory] // spec: "Pushing Manifests": an index's children MUST exist before it (code-5 otherwise)
    [InlineData(TestImages.OciIndex, TestImages.OciManifest)]
    [InlineData(TestImages.DockerManifestList, TestImages.DockerManifest)]
    public async Task An_index_over_pushed_children_round_trips(string indexType, string childType)
    {
        var repo = TestImages.UniqueRepo("manifests");
        var children = new List<(byte[], string)>();
        for (var seed = 30; seed < 32; seed++)
        {
            var (config, layers) = await TestImages.PushImageBlobsAsync(Client, repo, seed * 10);
            var child = childType == TestImages.DockerManifest
                ? TestImages.DockerImageManifest(config, layers)
                : TestImages.ImageManifest(config, layers);
            await TestImages.PushManifestAsync(Client, repo, TestImages.Digest(child), child, childType);
            children.Add((child, childType));
        }
        var index = TestImages.ImageIndex(children, indexType);

        var digest = await TestImages.PushManifestAsync(Client, repo, "multi", index, indexType);

        await AssertServedAsync(repo, "multi", index, indexType, digest);
        await AssertServedAsync(repo, digest, index, indexType, digest);
    }

    [Fact] // spec: "Pushing Manifests" with a Docker image manifest v2 schema 2 and its own config/layer types
    public async Task A_docker_schema2_manifest_round_trips_with_its_media_type()
    {
        var repo = TestImages.UniqueRepo("manifests");
        var (config, layers) = await TestImages.PushImageBlobsAsync(Client, repo, seed: 40);
        var manifest = TestImages.DockerImageManifest(config, layers);

        var digest = await TestImages.PushManifestAsync(Client, repo, "docker", manifest, TestImages.DockerManifest);

        await AssertServedAsync(repo, "docker", manifest, TestImages.DockerManifest, digest);
        await AssertServedAsync(repo, digest, manifest, TestImages.DockerManifest, digest);
    }

    [Fact] // image-spec "Guidelines for Artifact Usage": artifactType + the empty config (the 2-byte {} blob)
    public async Task An_artifact_manifest_with_the_empty_config_round_trips()
    {
        var repo = TestImages.UniqueRepo("manifests");
        var empty = TestImages.EmptyJson();
        var payload = Encoding.UTF8.GetBytes("artifact payload");
        await TestImages.PushBlobAsync(Client, repo, empty);
        await TestImages.PushBlobAsync(Client, repo, payload);
        var manifest = TestImages.ImageManifest(empty, [payload], artifactType: "application/vnd.example.thing.v1",
            configMediaType: TestImages.OciEmpty);

        var digest = await TestImages.PushManifestAsync(Client, repo, "artifact", manifest);

        await AssertServedAsync(repo, "artifact", manifest, TestImages.OciManifest, digest);
    }

    [Fact] // spec: "Pushing Manifests": the registry MUST store the manifest in the exact byte representation provided
    public async Task A_non_canonical_manifest_is_served_byte_for_byte_under_the_digest_of_those_bytes()
    {
        var repo = TestImages.UniqueRepo("manifests");
        var (config, layers) = await TestImages.PushImageBlobsAsync(Client, repo, seed: 50);
        var json =
            "{\r\n  \"layers\" : [\n\t{ \"size\":" + layers[0].Length + ", \"digest\" : \"" + TestImages.Digest(layers[0]) +
            "\",\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\"   }\n ],\n" +
            "   \"config\":{\"digest\":\"" + TestImages.Digest(config) + "\", \"size\": " + config.Length +
            ", \"mediaType\": \"application/vnd.oci.image.config.v1+json\"},\n" +
            "\"schemaVersion\"   :   2 ,  \"mediaType\":\"application/vnd.oci.image.manifest.v1+json\"\n}\n\n";
        var manifest = Encoding.UTF8.GetBytes(json);

        using var response = await TestImages.PutManifestAsync(Client, repo, "odd", manifest);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var digest = TestImages.Digest(manifest);
        Assert.Equal(digest, response.Headers.GetValues("Docker-Content-Digest").Single());
        await AssertServedAsync(repo, "odd", manifest, TestImages.OciManifest, digest);
        await AssertServedAsync(repo, digest, manifest, TestImages.OciManifest, digest);
    }

    // ---- refusals that change nothing ----

    [Theory] // spec: "Pushing Manifests": a manifest that is not valid JSON, or not valid for its type → MANIFEST_INVALID
    [InlineData("", TestImages.OciManifest)]                                               // no body
    [InlineData("{\"schemaVersion\":2,", TestImages.OciManifest)]                         // not JSON
    [InlineData("[]", TestImages.OciManifest)]                                             // not an object
    [InlineData("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\"}", TestImages.OciManifest)] // no config/layers
    [InlineData("{\"schemaVersion\":2,\"manifests\":[]}", TestImages.OciManifest)]        // an index sent as a manifest
    [InlineData("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":[]}", TestImages.OciManifest)] // mediaType ≠ Content-Type
    [InlineData("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"manifests\":[]}", TestImages.OciIndex)]
    public async Task An_invalid_manifest_is_MANIFEST_INVALID_and_changes_nothing(string body, string contentType)
    {
        await AssertRefusedAsync(Encoding.UTF8.GetBytes(body), contentType, HttpStatusCode.BadRequest, "MANIFEST_INVALID");
    }

    [Theory] // spec: "Pushing Manifests": a missing blob MUST result in MANIFEST_BLOB_UNKNOWN (code-5)
    [InlineData("layer")]
    [InlineData("config")]
    public async Task A_manifest_over_a_missing_blob_is_MANIFEST_BLOB_UNKNOWN(string missing)
    {
        var config = Encoding.UTF8.GetBytes($"{{\"missing\":\"{Guid.NewGuid()}\"}}");
        var layer = TestImages.RandomBytes(300, Random.Shared.Next());
        await AssertRefusedAsync(TestImages.ImageManifest(config, [layer]), TestImages.OciManifest,
            HttpStatusCode.BadRequest, "MANIFEST_BLOB_UNKNOWN",
            prepare: repo => missing == "layer"
                ? TestImages.PushBlobAsync(Client, repo, config)
                : TestImages.PushBlobAsync(Client, repo, layer));
    }

    [Fact] // spec: code-5 "manifest references a manifest or blob unknown to registry": a missing child of an index
    public async Task An_index_over_a_missing_child_is_MANIFEST_BLOB_UNKNOWN()
    {
        var absentChild = TestImages.ImageManifest(Encoding.UTF8.GetBytes("{\"absent\":1}"), []);
        await AssertRefusedAsync(TestImages.ImageIndex([(absentChild, TestImages.OciManifest)]), TestImages.OciIndex,
            HttpStatusCode.BadRequest, "MANIFEST_BLOB_UNKNOWN");
    }

    [Fact] // spec: blobs belong to a repository: a blob pushed to repo A is unknown to a manifest in repo B
    public async Task A_blob_of_another_repository_is_MANIFEST_BLOB_UNKNOWN()
    {
        var other = TestImages.UniqueRepo("manifests-other");
        var (config, layers) = await TestImages.PushImageBlobsAsync(Client, other, seed: 60);
        await AssertRefusedAsync(TestImages.ImageManifest(config, layers), TestImages.OciManifest,
            HttpStatusCode.BadRequest, "MANIFEST_BLOB_UNKNOWN");
    }

    [Fact] // spec: "Pushing Manifests": Docker-Content-Digest MUST equal the client provided digest → else DIGEST_INVALID
    public async Task A_digest_in_the_url_that_does_not_match_the_body_is_DIGEST_INVALID()
    {
        var repo = TestImages.UniqueRepo("manifests");
        var (config, layers) = await TestImages.PushImageBlobsAsync(Client, repo, seed: 70);
        var manifest = TestImages.ImageManifest(config, layers);
        var wrong = TestImages.Digest(Encoding.UTF8.GetBytes("something else"));

        using var response = await TestImages.PutManifestAsync(Client, repo, wrong, manifest);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(["DIGEST_INVALID"], await TestImages.ErrorCodesAsync(response));
        await AssertManifestUnknownAsync(repo, wrong);
        await AssertManifestUnknownAsync(repo, TestImages.Digest(manifest));
    }

    [Theory] // spec: "Pushing Manifests": a registry SHOULD answer 413 above its limit (4 MiB here)
    [InlineData(true)]
    [InlineData(false)] // chunked: no Content-Length, the limit is found while reading
    public async Task A_manifest_over_4_MiB_is_413_MANIFEST_TOO_LARGE(bool declareLength)
    {
        var repo = TestImages.UniqueRepo("manifests");
        var (config, layers) = await TestImages.PushImageBlobsAsync(Client, repo, seed: 80);
        var (_, oldDigest) = await TestImages.PushImageAsync(Client, repo, "big", seed: 81);
        var manifest = TestImages.ImageManifest(config, layers,
            annotations: new Dictionary<string, string> { ["padding"] = new string('x', 4 * 1024 * 1024) });

        using var content = declareLength
            ? (HttpContent)new ByteArrayContent(manifest)
            : new StreamContent(new MemoryStream(manifest));
        content.Headers.ContentType = new MediaTypeHeaderValue(TestImages.OciManifest);
        if (!declareLength) content.Headers.ContentLength = null;
        using var request = new HttpRequestMessage(HttpMethod.Put, $"v2/{repo}/manifests/big") { Content = content };
        if (!declareLength) request.Headers.TransferEncodingChunked = true;
        using var response = await Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal(["MANIFEST_TOO_LARGE"], await TestImages.ErrorCodesAsync(response));
        Assert.Equal(oldDigest, await DigestOfAsync(repo, "big"));
        await AssertManifestUnknownAsync(repo, TestImages.Digest(manifest));
    }

    [Theory] // spec: "Pulling manifests": <reference> as a tag MUST match [a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}
    [InlineData("-x")]
    [InlineData(".x")]
    [InlineData("a+b")]
    [InlineData("129")]
    public async Task A_bad_tag_is_TAG_INVALID(string tag)
    {
        if (tag == "129") tag = new string('t', 129);
        var repo = TestImages.UniqueRepo("manifests");
        var (config, layers) = await TestImages.PushImageBlobsAsync(Client, repo, seed: 90);
        var manifest = TestImages.ImageManifest(config, layers);

        using var response = await TestImages.PutManifestAsync(Client, repo, tag, manifest);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(["TAG_INVALID"], await TestImages.ErrorCodesAsync(response));
        await AssertManifestUnknownAsync(repo, TestImages.Digest(manifest));
    }

    [Theory] // spec: "Pushing Manifests": <tag-or-digest> with ':' can only be a digest, so a malformed one is DIGEST_INVALID
    [InlineData("sha256:abc")]
    [InlineData("sha256:")]
    [InlineData("latest:1")]
    public async Task A_malformed_digest_reference_is_DIGEST_INVALID(string reference)
    {
        var repo = TestImages.UniqueRepo("manifests");
        var (config, layers) = await TestImages.PushImageBlobsAsync(Client, repo, seed: 95);
        var manifest = TestImages.ImageManifest(config, layers);

        using var response = await TestImages.PutManifestAsync(Client, repo, reference, manifest);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(["DIGEST_INVALID"], await TestImages.ErrorCodesAsync(response));
        await AssertManifestUnknownAsync(repo, TestImages.Digest(manifest));
    }

    [Fact] // spec: "Pulling manifests": 128 characters is still a valid tag
    public async Task A_tag_of_128_characters_is_accepted()
    {
        var repo = TestImages.UniqueRepo("manifests");
        var tag = "_" + new string('t', 127);
        var (manifest, digest) = await TestImages.PushImageAsync(Client, repo, tag, seed: 91);
        await AssertServedAsync(repo, tag, manifest, TestImages.OciManifest, digest);
    }

    // ---- unknown, re-tag, delete ----

    [Theory] // spec: "Pulling manifests": a manifest that does not exist → 404 MANIFEST_UNKNOWN (code-7)
    [InlineData("GET")]
    [InlineData("HEAD")]
    public async Task An_unknown_tag_or_digest_is_404_MANIFEST_UNKNOWN(string method)
    {
        var repo = TestImages.UniqueRepo("manifests");
        await TestImages.PushImageAsync(Client, repo, "exists", seed: 100);
        var unknownDigest = TestImages.Digest(Encoding.UTF8.GetBytes("no such manifest"));

        foreach (var reference in new[] { "nope", unknownDigest })
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), $"v2/{repo}/manifests/{reference}");
            using var response = await Client.SendAsync(request);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            if (method == "GET") Assert.Equal(["MANIFEST_UNKNOWN"], await TestImages.ErrorCodesAsync(response));
        }
    }

    [Fact] // spec: "Pulling manifests": an unknown repository MUST be 404
    public async Task A_manifest_of_an_unknown_repository_is_404()
    {
        using var response = await Client.GetAsync($"v2/{TestImages.UniqueRepo("manifests-none")}/manifests/latest");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var codes = await TestImages.ErrorCodesAsync(response);
        Assert.Contains(codes.Single(), new[] { "MANIFEST_UNKNOWN", "NAME_UNKNOWN" });
    }

    [Fact] // spec: "Pushing Manifests" by tag: pushing another manifest under a tag moves it
    public async Task Re_tagging_moves_the_tag_to_the_new_manifest()
    {
        var repo = TestImages.UniqueRepo("manifests");
        var (_, first) = await TestImages.PushImageAsync(Client, repo, "latest", seed: 110);
        var (second, secondDigest) = await TestImages.PushImageAsync(Client, repo, "latest", seed: 111);

        Assert.NotEqual(first, secondDigest);
        await AssertServedAsync(repo, "latest", second, TestImages.OciManifest, secondDigest);
        // The old manifest stays pullable by digest: only the tag moved.
        using var old = await Client.GetAsync($"v2/{repo}/manifests/{first}");
        Assert.Equal(HttpStatusCode.OK, old.StatusCode);
    }

    [Fact] // spec: "Deleting tags" end-9: 202, and only the tag goes
    public async Task Delete_by_tag_removes_only_the_tag()
    {
        var repo = TestImages.UniqueRepo("manifests");
        var (manifest, digest) = await TestImages.PushImageAsync(Client, repo, "gone", seed: 120);
        await TestImages.PushManifestAsync(Client, repo, "stays", manifest);
        await DigestOfAsync(repo, "gone"); // warm any tag cache, so the delete must invalidate it

        using var response = await Client.DeleteAsync($"v2/{repo}/manifests/gone");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        await AssertManifestUnknownAsync(repo, "gone");
        await AssertServedAsync(repo, digest, manifest, TestImages.OciManifest, digest);
        await AssertServedAsync(repo, "stays", manifest, TestImages.OciManifest, digest);
        Assert.Equal(["stays"], await TagsAsync(repo));
    }

    [Fact] // spec: "Deleting Manifests" end-9: 202, then the manifest and every tag pointing to it are gone
    public async Task Delete_by_digest_removes_the_manifest_and_its_tags()
    {
        var repo = TestImages.UniqueRepo("manifests");
        var (manifest, digest) = await TestImages.PushImageAsync(Client, repo, "one", seed: 130);
        await TestImages.PushManifestAsync(Client, repo, "two", manifest);
        var (_, otherDigest) = await TestImages.PushImageAsync(Client, repo, "other", seed: 131);
        Assert.Equal(digest, await DigestOfAsync(repo, "one")); // warm caches

        using var response = await Client.DeleteAsync($"v2/{repo}/manifests/{digest}");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        await AssertManifestUnknownAsync(repo, digest);
        await AssertManifestUnknownAsync(repo, "one");
        await AssertManifestUnknownAsync(repo, "two");
        Assert.Equal(otherDigest, await DigestOfAsync(repo, "other"));
        Assert.Equal(["other"], await TagsAsync(repo));
    }

    [Fact] // spec: "Deleting Manifests": a deleted manifest may be pushed again
    public async Task A_deleted_manifest_can_be_pushed_again()
    {
        var repo = TestImages.UniqueRepo("manifests");
        var (manifest, digest) = await TestImages.PushImageAsync(Client, repo, "again", seed: 135);
        using (var deleted = await Client.DeleteAsync($"v2/{repo}/manifests/{digest}"))
            Assert.Equal(HttpStatusCode.Accepted, deleted.StatusCode);

        await TestImages.PushManifestAsync(Client, repo, "again", manifest);

        await AssertServedAsync(repo, "again", manifest, TestImages.OciManifest, digest);
    }

    [Theory] // spec: "Deleting Manifests"/"Deleting tags": deleting what does not exist → 404 MANIFEST_UNKNOWN
    [InlineData("tag")]
    [InlineData("digest")]
    public async Task Delete_of_an_unknown_manifest_is_404_MANIFEST_UNKNOWN(string by)
    {
        var repo = TestImages.UniqueRepo("manifests");
        await TestImages.PushImageAsync(Client, repo, "exists", seed: 140);
        var reference = by == "tag" ? "nope" : TestImages.Digest(Encoding.UTF8.GetBytes("no such manifest"));

        using var response = await Client.DeleteAsync($"v2/{repo}/manifests/{reference}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(["MANIFEST_UNKNOWN"], await TestImages.ErrorCodesAsync(response));
    }

    // ---- helpers ----

    /// <summary>
    /// Pushes a good image under a tag, then the refused manifest under the same tag: the answer is the error,
    /// the tag still names the good image and the refused manifest is not stored by digest.
    /// </summary>
    private async Task AssertRefusedAsync(byte[] manifest, string contentType, HttpStatusCode status, string code,
        Func<string, Task>? prepare = null)
    {
        var repo = TestImages.UniqueRepo("manifests");
        var (_, oldDigest) = await TestImages.PushImageAsync(Client, repo, "t", seed: 7);
        if (prepare is not null) await prepare(repo);

        using var response = await TestImages.PutManifestAsync(Client, repo, "t", manifest, contentType);

        Assert.Equal(status, response.StatusCode);
        Assert.Equal([code], await TestImages.ErrorCodesAsync(response));
        Assert.Equal(oldDigest, await DigestOfAsync(repo, "t"));
        await AssertManifestUnknownAsync(repo, TestImages.Digest(manifest));
        Assert.Equal(["t"], await TagsAsync(repo));
    }

    private async Task AssertServedAsync(string repo, string reference, byte[] manifest, string mediaType, string digest)
    {
        using var response = await Client.GetAsync($"v2/{repo}/manifests/{reference}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(manifest, await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(mediaType, response.Content.Headers.ContentType!.MediaType);
        Assert.Equal(digest, response.Headers.GetValues("Docker-Content-Digest").Single());
    }

    private async Task AssertManifestUnknownAsync(string repo, string reference)
    {
        using var response = await Client.GetAsync($"v2/{repo}/manifests/{reference}");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(["MANIFEST_UNKNOWN"], await TestImages.ErrorCodesAsync(response));
    }

    private async Task<string> DigestOfAsync(string repo, string tag)
    {
        using var request = new HttpRequestMessage(HttpMethod.Head, $"v2/{repo}/manifests/{tag}");
        using var response = await Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return response.Headers.GetValues("Docker-Content-Digest").Single();
    }

    private async Task<IReadOnlyList<string>> TagsAsync(string repo)
    {
        using var response = await Client.GetAsync($"v2/{repo}/tags/list");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync());
        return body.RootElement.GetProperty("tags").EnumerateArray().Select(t => t.GetString()!).ToList();
    }
}
