using System.Net;
using System.Text.Json;
using OrleansRegistry.Server.Tests.Infrastructure;
using OrleansRegistry.TestSupport.Security;

namespace OrleansRegistry.Server.Tests.Security;

/// <summary>
/// The built-in token endpoint: Docker token specification "Requesting a Token" (GET), "Token Response Fields",
/// and "OAuth2 Token Authentication" (POST, grant_type password and refresh_token).
/// </summary>
[Collection(RulesRegistryCollection.Name)]
public sealed class TokenEndpointTests(RulesRegistryFixture fixture)
{
    [Fact] // "Token Response Fields" and the JWT the registry verifies: ES256, kid + x5c, iss/sub/aud/exp/nbf/iat/jti/access
    public async Task A_token_carries_the_spec_claims_and_lists_only_granted_actions()
    {
        var response = await fixture.TokenResponseAsync("bob", "repository:team-a/app:pull,push", "repository:first/x:pull,push,delete",
            "repository:other/secret:pull");
        var token = response.GetProperty("token").GetString()!;
        Assert.Equal(token, response.GetProperty("access_token").GetString());
        Assert.Equal(300, response.GetProperty("expires_in").GetInt32());
        Assert.True(DateTimeOffset.TryParse(response.GetProperty("issued_at").GetString(), out _));

        var header = TokenForge.Part(token, 0);
        Assert.Equal("ES256", header.GetProperty("alg").GetString());
        Assert.Matches("^([A-Z2-7]{4}:){11}[A-Z2-7]{4}$", header.GetProperty("kid").GetString());
        Assert.Single(header.GetProperty("x5c").EnumerateArray());

        var claims = TokenForge.Part(token, 1);
        Assert.Equal("orleans-registry", claims.GetProperty("iss").GetString());
        Assert.Equal("bob", claims.GetProperty("sub").GetString());
        Assert.Equal("orleans-registry", claims.GetProperty("aud").GetString()); // a string, as distribution 2.8.2 reads it
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        Assert.InRange(claims.GetProperty("exp").GetInt64() - now, 200, 310);
        Assert.InRange(claims.GetProperty("nbf").GetInt64(), now - 60, now + 1);
        Assert.InRange(claims.GetProperty("iat").GetInt64(), now - 60, now + 1);
        Assert.False(string.IsNullOrEmpty(claims.GetProperty("jti").GetString()));
        // bob: all on team-a (group rule), pull only on first/* (the first matching rule), nothing on other/secret.
        Assert.Equal(["repository:first/x:pull", "repository:team-a/app:pull,push"], Access(claims));
    }

    [Fact] // "Requesting a Token": no credentials → a token with only what anonymous is granted
    public async Task An_anonymous_token_holds_only_anonymous_grants()
    {
        var token = await fixture.TokenAsync(null, "repository:public/lib:pull,push", "repository:team-a/app:pull", "registry:catalog:*");
        Assert.Equal(["repository:public/lib:pull"], Access(TokenForge.Part(token, 1)));
    }

    [Fact]
    public async Task Wrong_credentials_get_no_token()
    {
        using var client = fixture.ClientWith(SecuredRegistryFixture.Basic("bob", "guess"));
        using var response = await client.GetAsync("token?service=orleans-registry&scope=repository:team-a/app:pull");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.StartsWith("Basic realm=", response.Headers.WwwAuthenticate.ToString());
    }

    [Fact]
    public async Task A_token_for_another_service_or_another_account_is_refused()
    {
        using var client = fixture.ClientFor("bob");
        using var service = await client.GetAsync("token?service=other-registry&scope=repository:team-a/app:pull");
        Assert.Equal(HttpStatusCode.BadRequest, service.StatusCode);
        using var account = await client.GetAsync("token?service=orleans-registry&account=alice&scope=repository:team-a/app:pull");
        Assert.Equal(HttpStatusCode.BadRequest, account.StatusCode);
        using var same = await client.GetAsync("token?service=orleans-registry&account=bob&client_id=test&scope=repository:team-a/app:pull");
        Assert.Equal(HttpStatusCode.OK, same.StatusCode);
    }

    [Fact] // a token lets its bearer do what it lists
    public async Task A_bearer_token_authorises_what_it_lists()
    {
        var repo = TestImages.UniqueRepo("team-a");
        var token = await fixture.TokenAsync("bob", $"repository:{repo}:pull,push");
        using var client = fixture.BearerClient(token);
        var digest = await TestImages.PushBlobAsync(client, repo, TestImages.RandomBytes(100, 1));
        using var head = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"v2/{repo}/blobs/{digest}"));
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
    }

    [Fact] // offline_token=true → refresh_token; "OAuth2 Token Authentication" grant_type=refresh_token
    public async Task Offline_token_gives_a_refresh_token_that_the_post_endpoint_exchanges()
    {
        var response = await fixture.TokenResponseAsync("bob", "repository:team-a/app:pull");
        Assert.False(response.TryGetProperty("refresh_token", out _)); // only when asked for

        using var client = fixture.ClientFor("bob");
        using var offline = await client.GetAsync("token?service=orleans-registry&offline_token=true&scope=repository:team-a/app:pull");
        var refresh = JsonDocument.Parse(await offline.Content.ReadAsStringAsync()).RootElement.GetProperty("refresh_token").GetString()!;

        using var anonymous = fixture.ClientFor(null);
        using var exchanged = await anonymous.PostAsync("token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token", ["refresh_token"] = refresh, ["service"] = "orleans-registry",
            ["client_id"] = "test", ["scope"] = "repository:team-a/app:pull,push",
        }));
        var body = JsonDocument.Parse(await exchanged.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(HttpStatusCode.OK, exchanged.StatusCode);
        Assert.Equal("repository:team-a/app:pull,push", body.GetProperty("scope").GetString());
        var claims = TokenForge.Part(body.GetProperty("access_token").GetString()!, 1);
        Assert.Equal("bob", claims.GetProperty("sub").GetString());

        // A refresh token is no access token: its audience is not the service.
        using var asBearer = fixture.BearerClient(refresh);
        using var refused = await asBearer.GetAsync("v2/");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    [Fact] // "OAuth2 Token Authentication": grant_type=password, access_type=offline
    public async Task Post_with_the_password_grant_issues_a_token_and_refuses_a_wrong_password()
    {
        using var client = fixture.ClientFor(null);
        using var ok = await client.PostAsync("token", Form("password", ("username", "carol"), ("password", fixture.Users["carol"]),
            ("access_type", "offline"), ("scope", "repository:team-a/app:pull,push")));
        var body = JsonDocument.Parse(await ok.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal(["repository:team-a/app:pull"], Access(TokenForge.Part(body.GetProperty("access_token").GetString()!, 1)));
        Assert.True(body.TryGetProperty("refresh_token", out _));

        using var wrong = await client.PostAsync("token", Form("password", ("username", "carol"), ("password", "nope")));
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        using var unknownGrant = await client.PostAsync("token", Form("client_credentials"));
        Assert.Equal(HttpStatusCode.BadRequest, unknownGrant.StatusCode);
        using var badRefresh = await client.PostAsync("token", Form("refresh_token", ("refresh_token", "x.y.z")));
        Assert.Equal(HttpStatusCode.Unauthorized, badRefresh.StatusCode);
    }

    private static FormUrlEncodedContent Form(string grant, params (string Key, string Value)[] fields) =>
        new(new Dictionary<string, string>(fields.Select(f => KeyValuePair.Create(f.Key, f.Value)))
        {
            ["grant_type"] = grant, ["service"] = "orleans-registry", ["client_id"] = "test",
        });

    public static IReadOnlyList<string> Access(JsonElement claims) =>
        claims.GetProperty("access").EnumerateArray()
            .Select(a => $"{a.GetProperty("type").GetString()}:{a.GetProperty("name").GetString()}:" +
                         string.Join(',', a.GetProperty("actions").EnumerateArray().Select(x => x.GetString())))
            .Order(StringComparer.Ordinal).ToList();
}
