using OrleansRegistry.Server.Tests.Infrastructure;
using OrleansRegistry.TestSupport.Mirrors;

namespace OrleansRegistry.Server.Tests.Mirrors;

/// <summary>
/// containerd's <c>ctr</c> pulling <c>upstream.test/REPO:TAG</c> with a hosts.toml that names this registry as the
/// namespace's mirror: containerd asks for <c>/v2/REPO/…?ns=upstream.test</c>, which the proxying extension routes into
/// the mirror of that namespace. The image containerd stores has the upstream's digest, Docker schema2 and OCI alike,
/// and the upstream served each blob once.
/// </summary>
public sealed class MirrorContainerdTests(NamedUpstreamMirrorFixture fixture) : IClassFixture<NamedUpstreamMirrorFixture>, IAsyncLifetime
{
    private Containerd? _containerd;

    private Containerd Containerd => _containerd ?? throw new InvalidOperationException("not started");

    public async Task InitializeAsync()
    {
        _containerd = await Containerd.StartAsync();
        Containerd.WriteMirror(NamedUpstreamMirrorFixture.Name, $"http://{fixture.MirrorHost}");
    }

    public async Task DisposeAsync()
    {
        if (_containerd is not null) await _containerd.DisposeAsync();
    }

    [Theory] // a mirror serves what a hosts.toml mirror must: the namespace's image, its digest unchanged
    [InlineData(false)]
    [InlineData(true)]
    public async Task Ctr_pulls_the_upstreams_image_through_the_mirror_its_ns_names(bool dockerSchema2)
    {
        var repo = TestImages.UniqueRepo("library/ctr");
        var image = await fixture.Upstream.PushImageAsync(repo, "v1", seed: dockerSchema2 ? 1402 : 1401, layerBytes: 200_000, dockerSchema2);
        fixture.Upstream.ClearRequests();
        var reference = $"{NamedUpstreamMirrorFixture.Name}/{repo}:v1";

        var pull = await Containerd.PullAsync(reference);

        Assert.True(pull.ExitCode == 0, $"{pull.Stderr}\n{fixture.Mirror.Registry.Output}");
        Assert.Equal(image.ManifestDigest, await Containerd.ImageDigestAsync(reference));
        // The upstream holds the format the case is about (skopeo converted to schema2 when asked).
        Assert.Equal(dockerSchema2 ? PushedImage.DockerSchema2MediaType : "application/vnd.oci.image.manifest.v1+json", image.MediaType);
        // Under the mirror's prefix: the ns= request was routed into the mirror, not taken as a repository of ours.
        Assert.Equal(1L, await MirrorRequests.CountAsync(fixture.Mirror.ConnectionString, "manifests WHERE repository = @r",
            MirrorRegistryFixture.Local(repo)));
        await fixture.Upstream.SettleAsync();
        Assert.All(image.Layers, l => Assert.Equal(1, fixture.Upstream.BlobGets(l.Digest)));
    }
}
