using System.Net;
using OrleansRegistry.Server.Tests.Infrastructure;
using OrleansRegistry.TestSupport.Mirrors;

namespace OrleansRegistry.Server.Tests.Mirrors;

/// <summary>
/// The realm check through the mirror: an upstream whose Bearer challenge names a plain-http token realm on another
/// host (127.0.0.2) gets no credentials from the mirror, since the challenge is the upstream's word alone, so the pull
/// is refused (404 NAME_UNKNOWN saying why); with that host in <c>TrustedRealmHosts</c> the credentials go to it and
/// the pull works.
/// </summary>
public sealed class MirrorForeignRealmTests(ForeignRealmMirrorFixture fixture) : IClassFixture<ForeignRealmMirrorFixture>
{
    private async Task<UpstreamImage> PushUpstreamAsync(int seed)
    {
        var repo = TestImages.UniqueRepo("foreign/app");
        using var scratch = new TempDirectory();
        var layout = OciLayoutBuilder.BuildImage(scratch.Child("image"), seed, bigLayerBytes: 20_000);
        await Skopeo.CopyAsync(layout.Reference("v1"), $"docker://{fixture.Foreign.HostPort}/{repo}:v1",
            "--dest-creds", $"{TokenAuthRegistryFixture.User}:{TokenAuthRegistryFixture.Password}");
        return new UpstreamImage(repo, layout.ManifestDigest("v1"), fixture.Foreign.Issuer.RequestsFor(repo).Count);
    }

    /// <summary>The token requests for the repository since it was pushed.</summary>
    private IReadOnlyList<TokenRequest> MirrorTokenRequests(UpstreamImage image) =>
        fixture.Foreign.Issuer.RequestsFor(image.Repo).Skip(image.IssuerRequestsBefore).ToList();

    [Fact] // a plain-http realm on a host that is neither the upstream's nor trusted is not used at all
    public async Task A_realm_on_another_host_gets_no_request_and_the_pull_is_refused_saying_why()
    {
        var image = await PushUpstreamAsync(seed: 1431);

        using var response = await fixture.Mirror.Client.GetManifestAsync($"{ForeignRealmMirrorFixture.Untrusted}/{image.Repo}", "v1");

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{(int)response.StatusCode}: {body}");
        Assert.Equal("NAME_UNKNOWN", await MirrorRequests.ErrorCodeAsync(response));
        // The operator learns which realm was refused and what would let it be used.
        Assert.Contains("token realm http://127.0.0.2", body);
        Assert.Contains("TrustedRealmHosts", body);
        Assert.Empty(MirrorTokenRequests(image));
    }

    [Fact] // TrustedRealmHosts: the listed realm host receives the mirror's credentials
    public async Task A_trusted_realm_host_gets_the_credentials_and_the_pull_works()
    {
        var image = await PushUpstreamAsync(seed: 1432);

        using var response = await fixture.Mirror.Client.GetManifestAsync($"{ForeignRealmMirrorFixture.Trusted}/{image.Repo}", "v1");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(image.Digest, TestImages.Digest(await response.Content.ReadAsByteArrayAsync()));
        var asked = MirrorTokenRequests(image);
        Assert.NotEmpty(asked);
        Assert.All(asked, t => Assert.Equal((true, TokenAuthRegistryFixture.User), (t.Authenticated, t.User)));
    }

    private sealed record UpstreamImage(string Repo, string Digest, int IssuerRequestsBefore);
}
