namespace OrleansRegistry.Client.Tests.TestBed;

/// <summary>
/// podman with a private registries.conf mirror: a pull of <c>upstream.test/REPO:TAG</c> (a host that does not
/// exist) is served by the mirror, at <c>/v2/REPO</c> or, with a path in the mirror's location, <c>/v2/PATH/REPO</c>.
/// </summary>
public sealed class PodmanMirrorTests(UpstreamRegistryFixture mirror) : IClassFixture<UpstreamRegistryFixture>
{
    [Theory]
    [InlineData("")]
    [InlineData("mirrored/")]
    public async Task A_pull_of_the_mirrored_registry_is_served_by_the_mirror(string prefix)
    {
        var image = await mirror.PushImageAsync($"{prefix}team/app", "v1", seed: 930 + prefix.Length, layerBytes: 100_000);
        using var podman = new Podman();
        podman.AddMirror("upstream.test", $"{mirror.HostPort}/{prefix}".TrimEnd('/'));
        mirror.ClearRequests();

        var id = await podman.PullAsync("upstream.test/team/app:v1");

        Assert.Equal(image.ManifestDigest, (await podman.InspectAsync(id)).Digest);
        await mirror.SettleAsync();
        Assert.Equal(1, mirror.ManifestRequests($"{prefix}team/app", "v1"));
        Assert.Equal(1, mirror.BlobGets(image.LargestLayer.Digest));
        Assert.All(mirror.Requests.Where(r => r.Path.Contains("/team/")), r => Assert.StartsWith("containers/", r.UserAgent));
    }
}
