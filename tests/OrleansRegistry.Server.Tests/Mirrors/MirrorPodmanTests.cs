using System.Text.Json;
using OrleansRegistry.Server.Tests.Infrastructure;
using OrleansRegistry.TestSupport.Mirrors;

namespace OrleansRegistry.Server.Tests.Mirrors;

/// <summary>
/// podman with a registries.conf whose <c>upstream.test</c> has this registry's mirror prefix as its mirror
/// (<c>location = "127.0.0.1:P/hub"</c>): <c>podman pull upstream.test/REPO:TAG</c> gets the upstream's image, its
/// digest unchanged, and of an index with two platforms only the one pulled is fetched from the upstream.
/// </summary>
public sealed class MirrorPodmanTests(NamedUpstreamMirrorFixture fixture) : IClassFixture<NamedUpstreamMirrorFixture>, IDisposable
{
    private readonly Podman _podman = new();
    private readonly TempDirectory _scratch = new();

    private string Upstream => fixture.Upstream.HostPort;

    private async Task<string> PullAsync(string repo)
    {
        _podman.AddMirror(NamedUpstreamMirrorFixture.Name, $"{fixture.MirrorHost}/{MirrorRegistryFixture.Prefix}");
        fixture.Upstream.ClearRequests();
        var id = await _podman.PullAsync($"{NamedUpstreamMirrorFixture.Name}/{repo}:v1");
        await fixture.Upstream.SettleAsync();
        return id;
    }

    public void Dispose()
    {
        _podman.Dispose();
        _scratch.Dispose();
    }

    [Fact] // a registries.conf mirror with a path: /v2/hub/REPO is the upstream's REPO
    public async Task Podman_pulls_the_upstreams_image_through_the_mirror_prefix()
    {
        var repo = TestImages.UniqueRepo("library/podman");
        var image = await fixture.Upstream.PushImageAsync(repo, "v1", seed: 1411, layerBytes: 200_000);

        var id = await PullAsync(repo);

        Assert.Equal(image.ManifestDigest, (await _podman.InspectAsync(id)).Digest);
        Assert.All(image.Layers, l => Assert.Equal(1, fixture.Upstream.BlobGets(l.Digest)));
    }

    [Fact] // an index is passed on whole; the platform podman picks is fetched, the other never
    public async Task Of_an_index_with_two_platforms_only_the_one_pulled_is_fetched()
    {
        var repo = TestImages.UniqueRepo("library/podman");
        var layout = OciLayoutBuilder.BuildIndex(_scratch.Child("index"), seed: 1412);
        await Skopeo.CopyAsync(layout.Reference("v1"), $"docker://{Upstream}/{repo}:v1", "--all");
        var children = Children(layout);

        var id = await PullAsync(repo);

        Assert.Equal(layout.ManifestDigest("v1"), (await _podman.InspectAsync(id)).Digest);
        Assert.True(fixture.Upstream.ManifestRequests(repo, children["amd64"]) > 0, "the amd64 image was not fetched");
        Assert.Equal(0, fixture.Upstream.ManifestRequests(repo, children["arm64"]));
        Assert.All(Blobs(layout, children["amd64"]), b => Assert.Equal(1, fixture.Upstream.BlobGets(b)));
        Assert.All(Blobs(layout, children["arm64"]), b => Assert.Equal(0, fixture.Upstream.BlobGets(b)));
    }

    /// <summary>The index's images by architecture.</summary>
    private static Dictionary<string, string> Children(OciLayout layout)
    {
        using var index = JsonDocument.Parse(layout.ReadBlob(layout.ManifestDigest("v1")));
        return index.RootElement.GetProperty("manifests").EnumerateArray().ToDictionary(
            m => m.GetProperty("platform").GetProperty("architecture").GetString()!, m => m.GetProperty("digest").GetString()!);
    }

    /// <summary>An image's config and layers.</summary>
    private static IEnumerable<string> Blobs(OciLayout layout, string manifest)
    {
        using var json = JsonDocument.Parse(layout.ReadBlob(manifest));
        return json.RootElement.GetProperty("layers").EnumerateArray().Append(json.RootElement.GetProperty("config"))
            .Select(d => d.GetProperty("digest").GetString()!).ToList();
    }
}
