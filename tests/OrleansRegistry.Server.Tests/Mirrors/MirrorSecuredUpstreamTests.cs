using System.Net;
using OrleansRegistry.Server.Tests.Infrastructure;
using OrleansRegistry.Server.Tests.Interop;
using OrleansRegistry.TestSupport.Mirrors;

namespace OrleansRegistry.Server.Tests.Mirrors;

/// <summary>
/// Our own registry with token auth as the upstream: a mirror with <c>Username</c>/<c>Password</c> pulls through the
/// Docker token flow (challenge, <c>/token</c> with Basic credentials, Bearer); an anonymous mirror of it gets refused,
/// and its client gets 404 NAME_UNKNOWN saying the upstream refused and why, never a 500.
/// </summary>
public sealed class MirrorSecuredUpstreamTests(SecuredUpstreamMirrorFixture fixture) : IClassFixture<SecuredUpstreamMirrorFixture>, IDisposable
{
    private readonly TempDirectory _scratch = new();

    public void Dispose() => _scratch.Dispose();

    private async Task<(string Repo, OciLayout Layout)> PushUpstreamAsync(int seed)
    {
        var repo = TestImages.UniqueRepo("team/app");
        var layout = OciLayoutBuilder.BuildImage(_scratch.Child("image"), seed, bigLayerBytes: 200_000);
        await Skopeo.CopyAsync(layout.Reference("v1"), $"docker://{fixture.Secured.Registry.HostPort}/{repo}:v1",
            "--dest-creds", $"{SecuredUpstreamMirrorFixture.User}:{fixture.Password}");
        return (repo, layout);
    }

    [Fact] // the mirror's credentials reach the upstream through its token flow; the image arrives byte-identical
    public async Task A_mirror_with_credentials_pulls_from_a_registry_that_requires_them()
    {
        var (repo, layout) = await PushUpstreamAsync(seed: 1421);

        var pulled = new OciLayout(_scratch.Child("pulled"));
        await Skopeo.CopyAsync($"docker://{fixture.MirrorHost}/{SecuredUpstreamMirrorFixture.WithCredentials}/{repo}:v1", pulled.Reference("v1"));

        LayoutAssert.SameContent(layout, pulled);
    }

    [Fact] // without credentials the upstream's 401 is no server error: the repository is unknown, and the message says why
    public async Task An_anonymous_mirror_of_a_registry_that_requires_credentials_answers_name_unknown_saying_why()
    {
        var (repo, _) = await PushUpstreamAsync(seed: 1422);

        using var response = await fixture.Mirror.Client.GetManifestAsync($"{SecuredUpstreamMirrorFixture.Anonymous}/{repo}", "v1");

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{(int)response.StatusCode}: {body}");
        Assert.Equal("NAME_UNKNOWN", await MirrorRequests.ErrorCodeAsync(response));
        Assert.Contains("needs credentials this mirror does not have", body);
    }
}
