using OrleansRegistry.Client.Registry.Auth;

namespace OrleansRegistry.Client.Tests.Auth;

/// <summary>
/// Where a Bearer challenge's realm may send the client (the rule of <see cref="RealmPolicy"/>; end to end in
/// <see cref="ForeignRealmTests"/>): https anywhere, plain http only from a plain-http registry to its own or a trusted
/// host, never with user information; the credentials only to the registry's host, a trusted one, or Docker Hub's.
/// </summary>
public sealed class RealmPolicyTests
{
    private static readonly string[] None = [];

    [Theory]
    [InlineData("https://registry.example/", "https://auth.elsewhere.example/token", true)]
    [InlineData("http://127.0.0.1:5000/", "http://localhost:5001/token", true)]
    [InlineData("http://registry.lan:5000/", "http://registry.lan/token", true)]
    [InlineData("https://registry.example/", "http://registry.example/token", false)] // no downgrade to plain text
    [InlineData("http://127.0.0.1:5000/", "http://127.0.0.2:5001/token", false)]
    [InlineData("https://registry.example/", "https://user:pw@registry.example/token", false)]
    [InlineData("https://registry.example/", "ftp://registry.example/token", false)]
    [InlineData("https://registry.example/", "/token", false)]
    [InlineData("https://registry.example/", null, false)]
    public void A_realm_is_used_only_over_https_or_plain_http_to_the_plain_registry_s_own_host(string registry, string? realm, bool usable) =>
        Assert.Equal(usable, RealmPolicy.Usable(new Uri(registry), realm, None) is not null);

    [Fact]
    public void A_plain_http_realm_on_a_trusted_host_is_used_by_a_plain_http_registry()
    {
        Assert.NotNull(RealmPolicy.Usable(new Uri("http://127.0.0.1:5000/"), "http://127.0.0.2:5001/token", ["127.0.0.2"]));
        Assert.Null(RealmPolicy.Usable(new Uri("https://registry.example/"), "http://auth.example/token", ["auth.example"]));
    }

    [Theory]
    [InlineData("https://registry.example/", "https://registry.example:8443/token", true)]
    [InlineData("https://REGISTRY.example/", "https://registry.example/token", true)]
    [InlineData("https://registry.example/", "https://auth.elsewhere.example/token", false)]
    [InlineData("https://registry.gitlab.com/", "https://gitlab.com/jwt/auth", false)]
    [InlineData("https://registry-1.docker.io/", "https://auth.docker.io/token", true)]
    [InlineData("https://evil.example/", "https://auth.docker.io/token", false)]
    [InlineData("http://localhost:5000/", "http://[::1]:5001/token", true)]
    [InlineData("http://127.0.0.1:5000/", "http://127.0.0.2:5001/token", false)]
    public void Credentials_go_only_to_the_registry_s_own_host_or_docker_hub_s_token_service(string registry, string realm, bool allowed) =>
        Assert.Equal(allowed, RealmPolicy.MayReceiveCredentials(new Uri(registry), new Uri(realm), None));

    [Fact]
    public void A_listed_realm_host_gets_the_credentials() =>
        Assert.True(RealmPolicy.MayReceiveCredentials(new Uri("https://registry.gitlab.com/"), new Uri("https://gitlab.com/jwt/auth"), [" GitLab.com "]));
}
