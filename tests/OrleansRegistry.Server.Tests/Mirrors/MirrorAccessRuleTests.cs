using System.Net;
using OrleansRegistry.Server.Tests.Infrastructure;
using OrleansRegistry.TestSupport.Mirrors;

namespace OrleansRegistry.Server.Tests.Mirrors;

/// <summary>
/// Access rules apply to mirrored repositories as to any other: with anonymous pull of <c>hub/**</c> a rule, anyone
/// pulls through the mirror and nothing else anonymously; a push into the mirror is refused by the rules, before the
/// mirror is asked: the first rule matching <c>hub/**</c> grants only pull (401 anonymous, 403 for a user).
/// </summary>
public sealed class MirrorAccessRuleTests(SecuredMirrorFixture fixture) : IClassFixture<SecuredMirrorFixture>
{
    [Fact]
    public async Task Anonymous_pulls_go_through_the_mirror_by_rule_and_nowhere_else()
    {
        var repo = TestImages.UniqueRepo("library/open");
        var image = await fixture.Upstream.PushImageAsync(repo, "v1", seed: 701, layerBytes: 10_000);
        using var anonymous = fixture.Mirror.ClientFor(null);

        using var mirrored = await anonymous.GetManifestAsync(MirrorFixture.Local(repo), "v1");
        using var elsewhere = await anonymous.GetManifestAsync(repo, "v1");

        Assert.Equal(HttpStatusCode.OK, mirrored.StatusCode);
        Assert.Equal(image.ManifestDigest, mirrored.Headers.GetValues("Docker-Content-Digest").Single());
        Assert.Equal(HttpStatusCode.Unauthorized, elsewhere.StatusCode);
    }

    [Fact]
    public async Task A_push_into_the_mirror_is_refused_by_the_first_matching_rule()
    {
        var local = MirrorFixture.Local(TestImages.UniqueRepo("library/push"));
        using var anonymous = fixture.Mirror.ClientFor(null);
        using var alice = fixture.Mirror.ClientFor("alice");

        using var byAnonymous = await anonymous.PostAsync($"/v2/{local}/blobs/uploads/", null);
        using var byUser = await alice.PostAsync($"/v2/{local}/blobs/uploads/", null);
        using var elsewhere = await alice.PostAsync($"/v2/{TestImages.UniqueRepo("team/app")}/blobs/uploads/", null);

        Assert.Equal(HttpStatusCode.Unauthorized, byAnonymous.StatusCode);
        Assert.Equal((HttpStatusCode.Forbidden, "DENIED"), (byUser.StatusCode, await MirrorRequests.ErrorCodeAsync(byUser)));
        Assert.Equal(HttpStatusCode.Accepted, elsewhere.StatusCode);
    }
}
