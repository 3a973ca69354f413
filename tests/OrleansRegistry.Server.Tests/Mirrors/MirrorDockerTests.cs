using OrleansRegistry.Server.Tests.Infrastructure;
using OrleansRegistry.TestSupport.Mirrors;

namespace OrleansRegistry.Server.Tests.Mirrors;

/// <summary>
/// A Docker engine whose <c>daemon.json</c> has this registry in <c>registry-mirrors</c> pulling a Docker Hub name:
/// docker asks the mirror for Docker Hub's own names (<c>/v2/library/REPO/…</c>, no namespace parameter), which a
/// transparent mirror (<c>Prefix</c> <c>""</c>) serves from its upstream. Docker Hub itself, docker's fallback when a
/// mirror fails, is out of reach here: a pull that succeeds was served by the mirror. The image docker stores has the
/// upstream's digest, Docker schema2 and OCI alike, and the upstream served each blob once.
/// </summary>
public sealed class MirrorDockerTests(TransparentMirrorFixture fixture) : IClassFixture<TransparentMirrorFixture>, IAsyncLifetime
{
    private DockerDaemon? _docker;

    private DockerDaemon Docker => _docker ?? throw new InvalidOperationException("not started");

    public async Task InitializeAsync() => _docker = await DockerDaemon.StartAsync($"http://{fixture.MirrorHost}");

    public async Task DisposeAsync()
    {
        if (_docker is not null) await _docker.DisposeAsync();
    }

    [Theory] // a registry-mirrors mirror serves what docker asks of Docker Hub: the image, its digest unchanged
    [InlineData(false)]
    [InlineData(true)]
    public async Task Docker_pulls_the_upstreams_image_through_its_registry_mirror(bool dockerSchema2)
    {
        var repo = TestImages.UniqueRepo("library");
        var image = await fixture.Upstream.PushImageAsync(repo, "v1", seed: dockerSchema2 ? 1422 : 1421, layerBytes: 200_000, dockerSchema2);
        fixture.Upstream.ClearRequests();
        var reference = $"{repo}:v1";

        var pull = await Docker.PullAsync(reference);

        Assert.True(pull.ExitCode == 0, $"{pull.Stderr}\n{Docker.Output}\n{fixture.Mirror.Registry.Output}");
        // docker names Docker Hub's official images without library/.
        Assert.Contains($"{repo["library/".Length..]}@{image.ManifestDigest}", await Docker.RepoDigestsAsync(reference));
        Assert.Equal(dockerSchema2 ? PushedImage.DockerSchema2MediaType : "application/vnd.oci.image.manifest.v1+json", image.MediaType);
        // Transparent: the upstream's name is the local one.
        Assert.Equal(1L, await MirrorRequests.CountAsync(fixture.Mirror.ConnectionString, "manifests WHERE repository = @r", repo));
        await fixture.Upstream.SettleAsync();
        Assert.All(image.Layers, l => Assert.Equal(1, fixture.Upstream.BlobGets(l.Digest)));
    }
}
