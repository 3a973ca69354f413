using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using OrleansRegistry.Server.Tests.Infrastructure;
using OrleansRegistry.TestSupport.Security;

namespace OrleansRegistry.Server.Tests.Security;

/// <summary>One setting turns authentication on (docs/security.md); external issuers' tokens; the htpasswd file re-read on change.</summary>
public sealed class OneSettingTests(OneSettingRegistryFixture fixture) : IClassFixture<OneSettingRegistryFixture>
{
    [Fact]
    public async Task With_only_an_htpasswd_file_every_user_may_do_everything_and_anonymous_nothing()
    {
        var repo = TestImages.UniqueRepo("any");
        using var carol = fixture.ClientFor("carol");
        var digest = await TestImages.PushBlobAsync(carol, repo, TestImages.RandomBytes(40, 5));
        using (var delete = await carol.DeleteAsync($"v2/{repo}/blobs/{digest}"))
            Assert.Equal(HttpStatusCode.Accepted, delete.StatusCode);
        using (var metrics = await carol.GetAsync("metrics"))
            Assert.Equal(HttpStatusCode.OK, metrics.StatusCode); // every user is an admin in this set-up

        using var anonymous = fixture.ClientFor(null);
        using var read = await anonymous.GetAsync($"v2/{repo}/tags/list");
        Assert.Equal(HttpStatusCode.Unauthorized, read.StatusCode);
        // The token endpoint is on, with a key generated into the data directory.
        Assert.True(File.Exists(fixture.SigningKeyPath));
        Assert.Equal(["repository:" + repo + ":delete,pull,push"],
            TokenEndpointTests.Access(TokenForge.Part(await fixture.TokenAsync("bob", $"repository:{repo}:*"), 1)));
    }

    [Fact] // a token of a trusted external issuer (its certificate configured) is accepted; iss and aud checked
    public async Task A_token_of_a_trusted_external_issuer_is_accepted()
    {
        var repo = TestImages.UniqueRepo("ext");
        var token = await ExternalTokenAsync(fixture.Issuer, "ext-user:ext-Pa55", $"repository:{repo}:pull,push");
        using var client = fixture.BearerClient(token);
        var digest = await TestImages.PushBlobAsync(client, repo, TestImages.RandomBytes(40, 6));
        using var head = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"v2/{repo}/blobs/{digest}"));
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);

        // The token lists only this repository: another is 403 (valid credentials; an external token is not re-fetched).
        using var other = await client.GetAsync($"v2/{TestImages.UniqueRepo("ext")}/tags/list");
        Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode);
    }

    [Fact] // a trusted issuer's keys from a JWKS (RFC 7517); its claims under another issuer's header and signature are refused
    public async Task A_token_of_an_issuer_trusted_through_a_jwks_is_accepted()
    {
        var repo = TestImages.UniqueRepo("jwks");
        var token = await ExternalTokenAsync(fixture.JwksTokenIssuer, "jwks-user:jwks-Pa55", $"repository:{repo}:pull,push");
        using var client = fixture.BearerClient(token);
        await TestImages.PushBlobAsync(client, repo, TestImages.RandomBytes(40, 8));

        // Its claims spliced between the other trusted issuer's header and signature: refused.
        var claims = TokenForge.Part(token, 1);
        Assert.Equal(OneSettingRegistryFixture.JwksIssuer, claims.GetProperty("iss").GetString());
        var other = await ExternalTokenAsync(fixture.Issuer, "ext-user:ext-Pa55", $"repository:{repo}:pull");
        var spliced = $"{other.Split('.')[0]}.{token.Split('.')[1]}.{other.Split('.')[2]}";
        using var refused = await fixture.BearerClient(spliced).GetAsync($"v2/{repo}/tags/list");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    [Fact] // the htpasswd file is re-read when it changes
    public async Task A_user_added_to_the_htpasswd_file_can_log_in_without_a_restart()
    {
        var user = $"new{Guid.NewGuid():N}"[..12];
        using var client = fixture.ClientWith(SecuredRegistryFixture.Basic(user, "new-Pa55"));
        using (var before = await client.GetAsync("v2/"))
            Assert.Equal(HttpStatusCode.Unauthorized, before.StatusCode);
        await File.AppendAllTextAsync(fixture.HtpasswdPath, await Htpasswd.EntryAsync(user, "new-Pa55"));
        var status = await Eventually.SucceedsAsync(async () =>
        {
            using var after = await client.GetAsync("v2/");
            return after.StatusCode == HttpStatusCode.OK ? after.StatusCode : throw new InvalidOperationException($"still {after.StatusCode}");
        }, e => e is InvalidOperationException, TimeSpan.FromSeconds(15));
        Assert.Equal(HttpStatusCode.OK, status);
    }

    [Fact] // a refresh token re-checks its subject against the htpasswd file as it is now
    public async Task A_user_removed_from_the_htpasswd_file_can_no_longer_refresh()
    {
        var user = $"gone{Guid.NewGuid():N}"[..12];
        var entry = await Htpasswd.EntryAsync(user, "gone-Pa55");
        await File.AppendAllTextAsync(fixture.HtpasswdPath, entry);
        using var client = fixture.ClientWith(SecuredRegistryFixture.Basic(user, "gone-Pa55"));
        var refresh = await Eventually.SucceedsAsync(async () =>
        {
            using var response = await client.GetAsync("token?service=orleans-registry&offline_token=true");
            if (response.StatusCode != HttpStatusCode.OK) throw new InvalidOperationException($"still {response.StatusCode}");
            return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("refresh_token").GetString()!;
        }, e => e is InvalidOperationException, TimeSpan.FromSeconds(15));
        Assert.Equal(HttpStatusCode.OK, await RefreshAsync(refresh));

        await File.WriteAllTextAsync(fixture.HtpasswdPath, (await File.ReadAllTextAsync(fixture.HtpasswdPath)).Replace(entry, ""));
        var refused = await Eventually.SucceedsAsync(async () =>
        {
            var status = await RefreshAsync(refresh);
            return status == HttpStatusCode.Unauthorized ? status : throw new InvalidOperationException($"still {status}");
        }, e => e is InvalidOperationException, TimeSpan.FromSeconds(15));
        Assert.Equal(HttpStatusCode.Unauthorized, refused);
    }

    private async Task<HttpStatusCode> RefreshAsync(string refreshToken)
    {
        using var anonymous = fixture.ClientFor(null);
        using var response = await anonymous.PostAsync("token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token", ["refresh_token"] = refreshToken, ["service"] = "orleans-registry", ["client_id"] = "test",
        }));
        return response.StatusCode;
    }

    private static async Task<string> ExternalTokenAsync(TokenIssuer issuer, string credentials, string scope)
    {
        using var client = new HttpClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(credentials)));
        var url = $"{issuer.Realm}?service={OneSettingRegistryFixture.ExternalService}&scope={Uri.EscapeDataString(scope)}";
        using var response = await client.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("token").GetString()!;
    }
}
