using System.Net;
using OrleansRegistry.Server.Tests.Infrastructure;
using OrleansRegistry.TestSupport.Security;

namespace OrleansRegistry.Server.Tests.Security;

/// <summary>
/// The token signing key is generated once into the shared data directory, so every silo signs and verifies with it;
/// and with the token endpoint off the challenge is Basic.
/// </summary>
public sealed class SecuredClusterTests
{
    [Fact]
    public async Task Silos_starting_together_share_one_generated_key_so_a_token_from_one_works_on_the_other()
    {
        using var files = new TempDirectory();
        var htpasswd = files.Child("htpasswd");
        await Htpasswd.WriteAsync(htpasswd, [("bob", "bob-Pa55")]);
        await using var cluster = await RegistryCluster.CreateAsync(2, new Dictionary<string, string> { ["Registry__Auth__Htpasswd"] = htpasswd });

        var repo = TestImages.UniqueRepo("shared");
        for (var (issuer, verifier) = (0, 1); issuer < 2; (issuer, verifier) = (issuer + 1, verifier - 1))
        {
            using var basic = new HttpClient { BaseAddress = cluster.BaseAddress(issuer) };
            basic.DefaultRequestHeaders.Authorization = SecuredRegistryFixture.Basic("bob", "bob-Pa55");
            using var tokenResponse = await basic.GetAsync($"token?service=orleans-registry&scope=repository:{repo}:pull,push");
            Assert.Equal(HttpStatusCode.OK, tokenResponse.StatusCode);
            var token = System.Text.Json.JsonDocument.Parse(await tokenResponse.Content.ReadAsStringAsync()).RootElement.GetProperty("token").GetString()!;

            using var other = new HttpClient { BaseAddress = cluster.BaseAddress(verifier) };
            other.DefaultRequestHeaders.Authorization = new("Bearer", token);
            await TestImages.PushBlobAsync(other, repo, TestImages.RandomBytes(30, issuer));
        }
        Assert.Single(Directory.GetFiles(Path.Combine(cluster.DataDirectory, "auth")));
    }

    [Fact] // Token:Enabled=false: htpasswd only, challenged with Basic (RFC 7617), no /token
    public async Task With_the_token_endpoint_off_the_challenge_is_basic()
    {
        using var files = new TempDirectory();
        var htpasswd = files.Child("htpasswd");
        await Htpasswd.WriteAsync(htpasswd, [("bob", "bob-Pa55")]);
        var connection = await (await PostgresServer.GetAsync()).CreateDatabaseAsync("basiconly");
        await using var registry = await RegistryProcess.StartAsync(connection, files.Child("data"), new Dictionary<string, string>
        {
            ["Registry__Auth__Htpasswd"] = htpasswd,
            ["Registry__Auth__Token__Enabled"] = "false",
        });
        using var client = new HttpClient { BaseAddress = registry.BaseAddress };
        using var challenged = await client.GetAsync("v2/");
        Assert.Equal(HttpStatusCode.Unauthorized, challenged.StatusCode);
        Assert.Equal("Basic realm=\"orleans-registry\"", challenged.Headers.WwwAuthenticate.ToString());
        using var noToken = await client.GetAsync("token?service=orleans-registry");
        Assert.Equal(HttpStatusCode.NotFound, noToken.StatusCode);
        client.DefaultRequestHeaders.Authorization = SecuredRegistryFixture.Basic("bob", "bob-Pa55");
        using var ok = await client.GetAsync("v2/");
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
    }
}
