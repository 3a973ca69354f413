using System.Net;
using OrleansRegistry.Server.Tests.Infrastructure;
using OrleansRegistry.TestSupport.Security;

namespace OrleansRegistry.Server.Tests.Security;

/// <summary>
/// Docker token specification, "How to authenticate" step 2 (the registry answers 401 with
/// <c>WWW-Authenticate: Bearer realm=…,service=…,scope=…</c>) and the distribution spec's UNAUTHORIZED error body;
/// RFC 7617 for Basic credentials.
/// </summary>
[Collection(RulesRegistryCollection.Name)]
public sealed class ChallengeTests(RulesRegistryFixture fixture)
{
    private string Realm => $"http://{fixture.Registry.HostPort}/token";

    [Fact]
    public async Task Base_endpoint_without_credentials_is_401_with_a_bearer_challenge_naming_realm_and_service()
    {
        using var client = fixture.ClientFor(null);
        using var response = await client.GetAsync("v2/");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal($"Bearer realm=\"{Realm}\",service=\"orleans-registry\"", response.Headers.WwwAuthenticate.ToString());
        Assert.Equal(["UNAUTHORIZED"], await TestImages.ErrorCodesAsync(response));
    }

    [Theory]
    [InlineData("GET", "v2/team-a/app/manifests/latest", "repository:team-a/app:pull")]
    [InlineData("HEAD", "v2/team-a/app/blobs/sha256:0000000000000000000000000000000000000000000000000000000000000000", "repository:team-a/app:pull")]
    [InlineData("POST", "v2/team-a/app/blobs/uploads/", "repository:team-a/app:pull,push")]
    [InlineData("PUT", "v2/team-a/app/manifests/v1", "repository:team-a/app:pull,push")]
    [InlineData("DELETE", "v2/team-a/app/manifests/sha256:0000000000000000000000000000000000000000000000000000000000000000", "repository:team-a/app:delete")]
    [InlineData("GET", "v2/_catalog", "registry:catalog:*")]
    public async Task Each_route_challenges_for_the_scope_it_needs(string method, string path, string scope)
    {
        using var client = fixture.ClientFor(null);
        using var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal($"Bearer realm=\"{Realm}\",service=\"orleans-registry\",scope=\"{scope}\"", response.Headers.WwwAuthenticate.ToString());
    }

    [Fact] // Behind a proxy the realm is the address the client used (Host, X-Forwarded-Proto).
    public async Task The_realm_follows_the_host_and_forwarded_scheme_the_client_used()
    {
        using var client = fixture.ClientFor(null);
        using var request = new HttpRequestMessage(HttpMethod.Get, "v2/");
        request.Headers.Host = "registry.example:8443";
        request.Headers.Add("X-Forwarded-Proto", "https");
        using var response = await client.SendAsync(request);
        Assert.StartsWith("Bearer realm=\"https://registry.example:8443/token\"", response.Headers.WwwAuthenticate.ToString());
    }

    [Fact]
    public async Task Basic_credentials_from_the_htpasswd_file_are_accepted()
    {
        using var client = fixture.ClientFor("bob");
        using var response = await client.GetAsync("v2/");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("bob", "wrong")]
    [InlineData("mallory", "bob-Pa55:with:colons")]
    [InlineData("bob", "")]
    public async Task Wrong_or_unknown_basic_credentials_are_401(string user, string password)
    {
        using var client = fixture.ClientWith(SecuredRegistryFixture.Basic(user, password));
        using var response = await client.GetAsync("v2/");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(["UNAUTHORIZED"], await TestImages.ErrorCodesAsync(response));
    }

    [Theory]
    [InlineData("Basic !!!not-base64")]
    [InlineData("Bearer not.a.token")]
    [InlineData("Digest username=\"bob\"")]
    public async Task Malformed_authorization_headers_are_401(string header)
    {
        using var client = fixture.ClientFor(null);
        using var request = new HttpRequestMessage(HttpMethod.Get, "v2/");
        request.Headers.TryAddWithoutValidation("Authorization", header);
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
