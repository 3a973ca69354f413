namespace OrleansRegistry.Client.Tests.TestBed;

/// <summary>
/// The private containerd the mirror's hosts.toml test uses: a namespace mirrored to a plain distribution through a
/// hosts directory pulls and unpacks from it, containerd names the namespace in <c>?ns=</c>, and the image's digest
/// reads back.
/// </summary>
public sealed class ContainerdTests(UpstreamRegistryFixture mirror) : IClassFixture<UpstreamRegistryFixture>
{
    [Fact]
    public async Task A_pull_of_a_mirrored_namespace_goes_to_the_mirror_with_the_namespace_in_ns()
    {
        var image = await mirror.PushImageAsync("team/app", "v1", seed: 920, layerBytes: 100_000);
        await using var containerd = await Containerd.StartAsync();
        var hosts = containerd.WriteMirror("upstream.test", $"http://{mirror.HostPort}");
        Assert.Equal(Path.Combine(containerd.HostsDirectory, "upstream.test", "hosts.toml"), hosts);

        (await containerd.PullAsync("upstream.test/team/app:v1")).EnsureSuccess();

        Assert.Equal(image.ManifestDigest, await containerd.ImageDigestAsync("upstream.test/team/app:v1"));
        await mirror.SettleAsync();
        Assert.Contains(mirror.Requests, r => r.Path == "/v2/team/app/manifests/v1" && r.Query == "ns=upstream.test");
        Assert.Equal(1, mirror.BlobGets(image.LargestLayer.Digest));
    }
}
