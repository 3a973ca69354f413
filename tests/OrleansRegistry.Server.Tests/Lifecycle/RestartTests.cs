using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using OrleansRegistry.Server.Tests.Infrastructure;

namespace OrleansRegistry.Server.Tests.Lifecycle;

/// <summary>
/// "After a 201 the data survives the loss of any silo (PostgreSQL and the blob store are the
/// truth; grain activations are caches)" (docs/architecture.md#consistency-rules), checked with a whole-process restart on the same database and data
/// directory. A private server (not the shared collection): restarting it must not disturb other tests.
/// </summary>
public sealed class RestartTests(RegistryFixture fixture) : IClassFixture<RegistryFixture>
{
    private HttpClient Client => fixture.Client;

    [Fact] // durability after a 201: manifests (tag + digest), blobs, tags list, catalog and referrers are all served after restart
    public async Task Pushed_content_is_still_served_after_restart()
    {
        var repo = TestImages.UniqueRepo("restart/images");
        var other = TestImages.UniqueRepo("restart/other");
        var (v1, v1Digest) = await TestImages.PushImageAsync(Client, repo, "v1", seed: 301);
        var (v2, v2Digest) = await TestImages.PushImageAsync(Client, repo, "v2", seed: 302);
        using (var latest = await TestImages.PutManifestAsync(Client, repo, "latest", v1))
            Assert.Equal(HttpStatusCode.Created, latest.StatusCode);
        await TestImages.PushImageAsync(Client, other, "v1", seed: 303);

        // A referrer (spec "Pushing manifests with subject"): an artifact whose subject is v1, pushed by digest.
        const string artifactType = "application/vnd.example.restart-test+json";
        var emptyConfig = "{}"u8.ToArray();
        var sbom = Encoding.UTF8.GetBytes("""{"restart":"sbom"}""");
        await TestImages.PushBlobAsync(Client, repo, emptyConfig);
        await TestImages.PushBlobAsync(Client, repo, sbom);
        var referrer = TestImages.ImageManifest(emptyConfig, [sbom], subjectDigest: v1Digest, subjectSize: v1.Length,
            artifactType: artifactType, configMediaType: "application/vnd.oci.empty.v1+json");
        var referrerDigest = TestImages.Digest(referrer);
        using (var put = await TestImages.PutManifestAsync(Client, repo, referrerDigest, referrer))
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);

        // A bigger blob, several server buffers long, so the data file (not only metadata) is checked.
        var big = TestImages.RandomBytes(5 * 1024 * 1024 + 123, seed: 304);
        var bigDigest = await TestImages.PushBlobAsync(Client, repo, big);

        var pidBefore = fixture.Registry.ProcessId;
        await fixture.RestartAsync();
        Assert.NotEqual(pidBefore, fixture.Registry.ProcessId);

        // spec "Pulling manifests" (end-3): by tag and by digest, byte-identical, with the right digest header.
        foreach (var (reference, bytes, digest) in new[]
                 {
                     ("v1", v1, v1Digest), ("latest", v1, v1Digest), ("v2", v2, v2Digest), (v1Digest, v1, v1Digest),
                     (v2Digest, v2, v2Digest), (referrerDigest, referrer, referrerDigest),
                 })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"v2/{repo}/manifests/{reference}");
            request.Headers.Accept.ParseAdd(TestImages.OciManifest);
            using var response = await Client.SendAsync(request);
            Assert.True(response.StatusCode == HttpStatusCode.OK,
                $"GET manifest {reference} after restart: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            Assert.Equal(bytes, await response.Content.ReadAsByteArrayAsync());
            Assert.Equal(digest, response.Headers.GetValues("Docker-Content-Digest").Single());
            Assert.Equal(TestImages.OciManifest, response.Content.Headers.ContentType!.MediaType);
        }

        // spec "Pulling blobs" (end-2 GET, HEAD): the data files survived and are linked to the repository. The digest
        // the server states ("MUST be a digest matching that of the response body") is checked against the one this
        // test computed from the bytes it pushed.
        foreach (var (blob, digest) in new[] { (big, bigDigest), (emptyConfig, TestImages.Digest(emptyConfig)), (sbom, TestImages.Digest(sbom)) })
        {
            using var get = await Client.GetAsync($"v2/{repo}/blobs/{digest}");
            Assert.Equal(HttpStatusCode.OK, get.StatusCode);
            Assert.Equal(blob, await get.Content.ReadAsByteArrayAsync());
            Assert.Equal(digest, get.Headers.GetValues("Docker-Content-Digest").Single());
            using var head = await Client.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"v2/{repo}/blobs/{digest}"));
            Assert.Equal(HttpStatusCode.OK, head.StatusCode);
            Assert.Equal(blob.Length, head.Content.Headers.ContentLength);
            Assert.Equal(digest, head.Headers.GetValues("Docker-Content-Digest").Single());
        }

        // spec "Listing tags" (end-8a).
        using (var tags = await Client.GetAsync($"v2/{repo}/tags/list"))
        {
            Assert.Equal(HttpStatusCode.OK, tags.StatusCode);
            using var json = JsonDocument.Parse(await tags.Content.ReadAsByteArrayAsync());
            Assert.Equal(["latest", "v1", "v2"],
                json.RootElement.GetProperty("tags").EnumerateArray().Select(t => t.GetString()).Order());
        }

        // Catalog (distribution's /v2/_catalog extension): both repositories are listed.
        using (var catalog = await Client.GetAsync("v2/_catalog?n=1000"))
        {
            Assert.Equal(HttpStatusCode.OK, catalog.StatusCode);
            using var json = JsonDocument.Parse(await catalog.Content.ReadAsByteArrayAsync());
            var repositories = json.RootElement.GetProperty("repositories").EnumerateArray().Select(r => r.GetString()).ToList();
            Assert.Contains(repo, repositories);
            Assert.Contains(other, repositories);
        }

        // spec "Listing referrers" (end-12a): the artifact still refers to v1.
        using (var referrers = await Client.GetAsync($"v2/{repo}/referrers/{v1Digest}"))
        {
            Assert.Equal(HttpStatusCode.OK, referrers.StatusCode);
            using var json = JsonDocument.Parse(await referrers.Content.ReadAsByteArrayAsync());
            var entry = Assert.Single(json.RootElement.GetProperty("manifests").EnumerateArray());
            Assert.Equal(referrerDigest, entry.GetProperty("digest").GetString());
            Assert.Equal(artifactType, entry.GetProperty("artifactType").GetString());
            Assert.Equal(referrer.Length, entry.GetProperty("size").GetInt64());
        }
    }

    [Fact] // spec "Pushing a blob in chunks" (end-5, end-13, end-6) across a restart: resume at the committed offset
    public async Task Chunked_upload_continues_after_restart_and_finishes_with_the_right_digest()
    {
        var repo = TestImages.UniqueRepo("restart/chunked");
        var data = TestImages.RandomBytes(3 * 1024 * 1024 + 4097, seed: 311);
        var first = 2 * 1024 * 1024 + 5;   // not buffer-aligned: the re-read at finish must not assume alignment
        var second = 700_001;

        var location = await StartUploadAsync(repo);
        location = await PatchAsync(location, data, 0, first);

        await fixture.RestartAsync();

        // end-13: the session and its committed offset survived; the upload continues where it was.
        using (var status = await Client.GetAsync(location))
        {
            Assert.Equal(HttpStatusCode.NoContent, status.StatusCode);
            Assert.Equal($"0-{first - 1}", status.Headers.GetValues("Range").Single());
        }
        location = await PatchAsync(location, data, first, second);

        // end-6: the last chunk with the PUT. The hash state of the first chunk died with the old process, so
        // the server must re-read the data to verify the digest.
        var digest = TestImages.Digest(data);
        var rest = data.AsSpan(first + second).ToArray();
        using var content = new ByteArrayContent(rest);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        content.Headers.TryAddWithoutValidation("Content-Range", $"{first + second}-{data.Length - 1}");
        using (var finish = await Client.PutAsync(WithDigest(location, digest), content))
        {
            Assert.Equal(HttpStatusCode.Created, finish.StatusCode);
            Assert.Equal(digest, finish.Headers.GetValues("Docker-Content-Digest").Single());
        }

        using var get = await Client.GetAsync($"v2/{repo}/blobs/{digest}");
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal(data, await get.Content.ReadAsByteArrayAsync());
    }

    [Fact] // spec end-6 (PUT without body) right after a restart: nothing but the re-read can produce the digest
    public async Task Upload_finished_without_body_after_restart_verifies_by_rereading()
    {
        var repo = TestImages.UniqueRepo("restart/finish");
        var data = TestImages.RandomBytes(1024 * 1024 + 77, seed: 321);

        var location = await StartUploadAsync(repo);
        location = await PatchAsync(location, data, 0, data.Length);

        await fixture.RestartAsync();

        // A wrong digest first: refused (DIGEST_INVALID), and the session stays usable (docs/architecture.md#upload-state-machine).
        var wrong = TestImages.Digest(TestImages.RandomBytes(16, seed: 322));
        using (var bad = await Client.PutAsync(WithDigest(location, wrong), null))
        {
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            Assert.Equal(["DIGEST_INVALID"], await TestImages.ErrorCodesAsync(bad));
        }

        var digest = TestImages.Digest(data);
        using (var finish = await Client.PutAsync(WithDigest(location, digest), null))
            Assert.Equal(HttpStatusCode.Created, finish.StatusCode);

        using var get = await Client.GetAsync($"v2/{repo}/blobs/{digest}");
        Assert.Equal(data, await get.Content.ReadAsByteArrayAsync());
    }

    private async Task<string> StartUploadAsync(string repo)
    {
        using var response = await Client.PostAsync($"v2/{repo}/blobs/uploads/", null);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return response.Headers.Location!.ToString();
    }

    /// <summary>PATCH <paramref name="length"/> bytes from <paramref name="offset"/>; returns the next Location.</summary>
    private async Task<string> PatchAsync(string location, byte[] data, int offset, int length)
    {
        using var content = new ByteArrayContent(data, offset, length);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        content.Headers.TryAddWithoutValidation("Content-Range", $"{offset}-{offset + length - 1}");
        using var request = new HttpRequestMessage(HttpMethod.Patch, location) { Content = content };
        using var response = await Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal($"0-{offset + length - 1}", response.Headers.GetValues("Range").Single());
        return response.Headers.Location!.ToString();
    }

    private static string WithDigest(string location, string digest) =>
        location + (location.Contains('?') ? "&" : "?") + "digest=" + Uri.EscapeDataString(digest);
}
