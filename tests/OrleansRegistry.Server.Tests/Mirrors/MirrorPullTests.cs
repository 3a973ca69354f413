using System.Net;
using OrleansRegistry.Server.Tests.Infrastructure;
using OrleansRegistry.Server.Tests.Interop;
using OrleansRegistry.TestSupport.Mirrors;

namespace OrleansRegistry.Server.Tests.Mirrors;

/// <summary>
/// Pulls through a mirror of CNCF distribution 2.8.2 with real skopeo: the upstream's manifests and blobs are served,
/// and cached, exactly as the upstream holds them (digests unchanged, never converted), as ordinary rows of the local
/// repository; pushes into the mirror are refused; the proxying extension's <c>?ns=</c> routes into the mirror.
/// </summary>
public sealed class MirrorPullTests(MirrorRegistryFixture fixture, InteropLayouts layouts)
    : IClassFixture<MirrorRegistryFixture>, IClassFixture<InteropLayouts>
{
    private string Upstream => fixture.Upstream.HostPort;
    private string Namespace => fixture.UpstreamNamespace;
    private string Mirror => fixture.MirrorHost;
    private HttpClient Client => fixture.Mirror.Client;

    private static string UniqueUpstreamRepo() => TestImages.UniqueRepo("library/app");

    [Fact] // an OCI image pulled through the mirror is the upstream's, byte for byte
    public async Task An_oci_image_pulls_through_byte_identical_to_the_upstream()
    {
        var repo = UniqueUpstreamRepo();
        await Skopeo.CopyAsync(layouts.Image.Reference("v1"), $"docker://{Upstream}/{repo}:v1");
        using var scratch = new TempDirectory();

        var pulled = new OciLayout(scratch.Child("pulled"));
        await Skopeo.CopyAsync($"docker://{Mirror}/{MirrorRegistryFixture.Prefix}/{repo}:v1", pulled.Reference("v1"));

        LayoutAssert.SameContent(layouts.Image, pulled);
        Assert.Equal(await Skopeo.InspectRawAsync($"docker://{Upstream}/{repo}:v1"),
            await Skopeo.InspectRawAsync($"docker://{Mirror}/{MirrorRegistryFixture.Prefix}/{repo}:v1"));
        // What the mirror wrote on the reader's behalf is in the audit log, with the upstream it came from.
        var audit = fixture.Mirror.Registry.Output.Split('\n').Where(l => l.Contains("OrleansRegistry.Audit") && l.Contains(repo)).ToList();
        Assert.Contains(audit, l => l.Contains($"Mirror cached manifest {layouts.Image.ManifestDigest("v1")}") && l.Contains(Namespace));
        Assert.Contains(audit, l => l.Contains("Mirror committed blob") && l.Contains(Namespace));
    }

    [Fact] // a Docker schema2 manifest stays schema2 with the upstream's digest (zot's conversion to OCI changes digests)
    public async Task A_docker_schema2_image_keeps_its_media_type_and_digest()
    {
        var repo = UniqueUpstreamRepo();
        await Skopeo.CopyAsync(layouts.Image.Reference("v1"), $"docker://{Upstream}/{repo}:v1", "--format", "v2s2");
        var upstreamBytes = await Skopeo.InspectRawAsync($"docker://{Upstream}/{repo}:v1");

        using var response = await Client.GetManifestAsync($"{MirrorRegistryFixture.Prefix}/{repo}", "v1");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/vnd.docker.distribution.manifest.v2+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(upstreamBytes, await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(TestImages.Digest(upstreamBytes), response.Headers.GetValues("Docker-Content-Digest").Single());
    }

    [Fact] // an index is stored as is; only the platform pulled is fetched (its children come when pulled)
    public async Task Pulling_one_platform_of_an_index_fetches_only_that_platform()
    {
        var repo = UniqueUpstreamRepo();
        await Skopeo.CopyAsync(layouts.Index.Reference("v1"), $"docker://{Upstream}/{repo}:v1", "--all");
        using var scratch = new TempDirectory();

        await Skopeo.CopyAsync($"docker://{Mirror}/{MirrorRegistryFixture.Prefix}/{repo}:v1", $"oci:{scratch.Child("one")}:v1",
            "--override-arch", "arm64", "--override-os", "linux");

        Assert.Equal(await Skopeo.InspectRawAsync($"docker://{Upstream}/{repo}:v1"),
            await Skopeo.InspectRawAsync($"docker://{Mirror}/{MirrorRegistryFixture.Prefix}/{repo}:v1"));
        var local = $"{MirrorRegistryFixture.Prefix}/{repo}";
        // The index and the arm64 image: two manifests; the arm64 image's config and two layers: three blobs.
        Assert.Equal(2L, await MirrorRequests.CountAsync(fixture.Mirror.ConnectionString, "manifests WHERE repository = @r", local));
        await MirrorRequests.CountBecomesAsync(fixture.Mirror.ConnectionString, "blob_links WHERE repository = @r", local, 3);
    }

    [Fact] // cached content is ordinary: the tags list of the local repository shows the mirrored tag
    public async Task A_pulled_tag_shows_in_the_tags_list()
    {
        var repo = UniqueUpstreamRepo();
        await Skopeo.CopyAsync(layouts.Image.Reference("v1"), $"docker://{Upstream}/{repo}:v1");
        await Skopeo.InspectRawAsync($"docker://{Mirror}/{MirrorRegistryFixture.Prefix}/{repo}:v1");

        Assert.Equal(["v1"], await Skopeo.ListTagsAsync($"docker://{Mirror}/{MirrorRegistryFixture.Prefix}/{repo}"));
    }

    [Fact] // a tag, repository or blob the upstream does not have: its own 404 error (distribution says MANIFEST_UNKNOWN for both manifests), passed on
    public async Task What_the_upstream_does_not_have_is_unknown_here_too()
    {
        var repo = UniqueUpstreamRepo();
        await Skopeo.CopyAsync(layouts.Image.Reference("v1"), $"docker://{Upstream}/{repo}:v1");
        var noBlobPath = $"blobs/sha256:{new string('0', 64)}";

        foreach (var (upstreamRepo, path) in new[] { (repo, "manifests/nope"), ($"{repo}-missing", "manifests/v1"), (repo, noBlobPath) })
        {
            using var upstream = await fixture.Upstream.Client.GetAsync($"/v2/{upstreamRepo}/{path}");
            using var mirrored = await Client.GetAsync($"/v2/{MirrorRegistryFixture.Local(upstreamRepo)}/{path}");

            Assert.Equal(HttpStatusCode.NotFound, upstream.StatusCode);
            Assert.Equal((HttpStatusCode.NotFound, await MirrorRequests.ErrorCodeAsync(upstream)),
                (mirrored.StatusCode, await MirrorRequests.ErrorCodeAsync(mirrored)));
        }
    }

    [Fact] // a blob another repository brought is linked only where the upstream confirms it (a HEAD, not a second GET)
    public async Task A_cached_blob_is_given_to_another_repository_only_if_its_upstream_has_it()
    {
        var repo = UniqueUpstreamRepo();
        var image = await fixture.Upstream.PushImageAsync(repo, "v1", seed: 501, layerBytes: 1 << 20);
        var sibling = UniqueUpstreamRepo();
        await fixture.Upstream.PushImageAsync(sibling, "v1", seed: 501, layerBytes: 1 << 20); // the same blobs
        var layer = image.LargestLayer.Digest;
        Assert.Equal(layer, TestImages.Digest(await Client.GetByteArrayAsync($"/v2/{MirrorRegistryFixture.Local(repo)}/blobs/{layer}")));

        using var elsewhere = await Client.GetAsync($"/v2/{MirrorRegistryFixture.Local(repo)}-other/blobs/{layer}");
        var shared = await Client.GetByteArrayAsync($"/v2/{MirrorRegistryFixture.Local(sibling)}/blobs/{layer}");

        Assert.Equal((HttpStatusCode.NotFound, "BLOB_UNKNOWN"), (elsewhere.StatusCode, await MirrorRequests.ErrorCodeAsync(elsewhere)));
        Assert.Equal(layer, TestImages.Digest(shared));
        await fixture.Upstream.SettleAsync();
        Assert.Equal(1, fixture.Upstream.BlobGets(layer));
    }

    [Fact] // a mirror is read-only: pushes and deletes get 405 UNSUPPORTED naming the mirror
    public async Task Pushes_and_deletes_into_the_mirror_are_refused()
    {
        var local = $"{MirrorRegistryFixture.Prefix}/{UniqueUpstreamRepo()}";

        using var upload = await Client.PostAsync($"/v2/{local}/blobs/uploads/", null);
        using var delete = await Client.DeleteAsync($"/v2/{local}/manifests/v1");

        foreach (var response in new[] { upload, delete })
        {
            Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
            Assert.Equal("UNSUPPORTED", await MirrorRequests.ErrorCodeAsync(response));
            Assert.Contains(Namespace, await response.Content.ReadAsStringAsync());
        }
    }

    [Fact] // the proxying extension: ?ns=<upstream> routes a request into that mirror and the answer says OCI-Namespace
    public async Task A_request_with_ns_is_answered_from_the_mirror_of_that_namespace()
    {
        var repo = UniqueUpstreamRepo();
        await Skopeo.CopyAsync(layouts.Image.Reference("v1"), $"docker://{Upstream}/{repo}:v1");

        using var request = MirrorRequests.Manifest(HttpMethod.Get, repo, "v1");
        request.RequestUri = new Uri($"/v2/{repo}/manifests/v1?ns={Namespace}", UriKind.Relative);
        using var response = await Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Namespace, response.Headers.GetValues("OCI-Namespace").Single());
        Assert.Equal(await Skopeo.InspectRawAsync($"docker://{Upstream}/{repo}:v1"), await response.Content.ReadAsByteArrayAsync());
    }
}
