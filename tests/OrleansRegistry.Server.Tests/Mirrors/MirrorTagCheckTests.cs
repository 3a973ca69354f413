using System.Net;
using OrleansRegistry.Server.Tests.Infrastructure;
using OrleansRegistry.TestSupport.Mirrors;

namespace OrleansRegistry.Server.Tests.Mirrors;

/// <summary>
/// What a pull asks the upstream, counted in its access log: a tag check is a <c>HEAD</c> (which Docker Hub does not
/// count against its pull limit), a <c>GET</c> follows only for a digest not cached yet, a pull by digest of a cached
/// manifest asks nothing, a tag moved upstream is followed, and the allow list keeps other repositories out.
/// </summary>
public sealed class MirrorTagCheckTests(AlwaysCheckingMirrorFixture fixture) : IClassFixture<AlwaysCheckingMirrorFixture>
{
    private HttpClient Client => fixture.Mirror.Client;
    private UpstreamRegistryFixture Upstream => fixture.Upstream;

    [Fact]
    public async Task A_tag_check_is_a_head_and_a_get_comes_only_for_a_new_digest()
    {
        var repo = TestImages.UniqueRepo("library/check");
        var first = await Upstream.PushImageAsync(repo, "v1", seed: 601, layerBytes: 10_000);
        var local = MirrorRegistryFixture.Local(repo);
        await Upstream.SettleAsync(); // the push's own requests (skopeo reads the manifest back) are not the mirror's
        Upstream.ClearRequests();

        for (var pull = 0; pull < 3; pull++)
        {
            using var response = await Client.GetManifestAsync(local, "v1");
            Assert.Equal(first.ManifestDigest, response.Headers.GetValues("Docker-Content-Digest").Single());
        }
        using (var byDigest = await Client.GetManifestAsync(local, first.ManifestDigest))
            Assert.Equal(HttpStatusCode.OK, byDigest.StatusCode);
        await Upstream.SettleAsync();

        Assert.Equal(3, Upstream.ManifestRequests(repo, "v1", "HEAD")); // TagCheckInterval 0: every pull checks
        Assert.Equal(0, Upstream.ManifestRequests(repo, "v1", "GET"));
        Assert.Equal(1, Upstream.ManifestRequests(repo, first.ManifestDigest, "GET")); // once, for the new digest
    }

    [Fact]
    public async Task A_tag_moved_upstream_is_followed_at_the_next_check()
    {
        var repo = TestImages.UniqueRepo("library/moved");
        var first = await Upstream.PushImageAsync(repo, "v1", seed: 602, layerBytes: 10_000);
        var local = MirrorRegistryFixture.Local(repo);
        using (var before = await Client.GetManifestAsync(local, "v1"))
            Assert.Equal(first.ManifestDigest, before.Headers.GetValues("Docker-Content-Digest").Single());

        var second = await Upstream.PushImageAsync(repo, "v1", seed: 603, layerBytes: 10_000);
        using var after = await Client.GetManifestAsync(local, "v1");

        Assert.NotEqual(first.ManifestDigest, second.ManifestDigest);
        Assert.Equal(second.ManifestDigest, after.Headers.GetValues("Docker-Content-Digest").Single());
        // The first manifest stays cached by digest (it is an ordinary untagged manifest now).
        using var old = await Client.GetManifestAsync(local, first.ManifestDigest);
        Assert.Equal(HttpStatusCode.OK, old.StatusCode);
    }

    [Fact] // the allow list (Repositories): a repository outside it is unknown here, and the upstream is not asked
    public async Task A_repository_outside_the_allow_list_is_not_pulled_through()
    {
        var repo = TestImages.UniqueRepo("team/app");
        await Upstream.PushImageAsync(repo, "v1", seed: 604, layerBytes: 10_000);
        await Upstream.SettleAsync();
        Upstream.ClearRequests();

        using var response = await Client.GetManifestAsync(MirrorRegistryFixture.Local(repo), "v1");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("NAME_UNKNOWN", await MirrorRequests.ErrorCodeAsync(response));
        Assert.Contains("allow list", await response.Content.ReadAsStringAsync());
        await Upstream.SettleAsync();
        Assert.DoesNotContain(Upstream.Requests, r => r.Path.Contains(repo, StringComparison.Ordinal));
    }
}
