using System.Net;
using OrleansRegistry.Server.Tests.Infrastructure;
using OrleansRegistry.TestSupport.Network;
using OrleansRegistry.TestSupport.Scripts;

namespace OrleansRegistry.Server.Tests.Limits;

/// <summary>
/// Behind a proxy (scripts/cluster: two silos behind nginx, which passes X-Forwarded-For/-Proto): the silos believe
/// forwarded headers only from their trusted proxy (here nginx's own address, 127.0.0.1 alone), so each client
/// address behind nginx is an identity of its own (anonymous@ADDRESS) for the upload session limit and the rate
/// limit, while a client that forges X-Forwarded-For, through nginx or straight to a silo, stays itself. Clients play
/// several addresses from 127.0.0.0/8; the session limit is cluster-wide (round robin spreads the sessions).
/// </summary>
public sealed class ForwardedClientTests : IDisposable
{
    private const int SessionLimit = 2;
    private const int Burst = 10;
    private const string Alice = "127.0.0.41";

    private readonly TempDirectory _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task Behind_nginx_each_client_address_is_its_own_identity_and_forged_forwarded_headers_are_not_believed()
    {
        await using var cluster = await ClusterScript.StartAsync(_data.Path, silos: 2, new Dictionary<string, string>
        {
            ["Registry__Limits__TrustedProxies__0"] = "127.0.0.1",
            ["Registry__Limits__MaxUploadSessionsPerIdentity"] = SessionLimit.ToString(),
            ["Registry__Limits__RateLimit__PerIdentity__RequestsPerSecond"] = "1",
            ["Registry__Limits__RateLimit__PerIdentity__Burst"] = Burst.ToString(),
        });
        var balancer = cluster.Balancer.BaseAddress!;
        var repo = TestImages.UniqueRepo("limits/forwarded");

        // Alice (one address behind nginx) reaches the limit; nginx spreads her sessions over both silos.
        using var alice = new SourcedClient(balancer, Alice);
        var (aliceFirst, _) = await TestImages.StartUploadAsync(alice.Http, repo);
        for (var i = 1; i < SessionLimit; i++) await TestImages.StartUploadAsync(alice.Http, repo);
        await AssertSessionRefusedAsync(alice.Http, repo);

        // Another address through the same nginx is another identity.
        using var bob = new SourcedClient(balancer, "127.0.0.42");
        await TestImages.StartUploadAsync(bob.Http, repo);

        // Claiming to be Alice does not make one Alice: through nginx (which appends the real peer, the entry the silo
        // reads), nor straight to a silo (whose peer is no trusted proxy).
        using var forgerThroughNginx = new SourcedClient(balancer, "127.0.0.43");
        await AssertSessionOpensAsync(forgerThroughNginx.Http, repo, claimedFor: Alice);
        using var forgerDirect = new SourcedClient(cluster.Silos[0].Client.BaseAddress!, "127.0.0.44");
        await AssertSessionOpensAsync(forgerDirect.Http, repo, claimedFor: Alice);

        // The trusted proxy's word is taken: from 127.0.0.1, "for Alice" is Alice, on either silo.
        foreach (var silo in cluster.Silos) await AssertSessionRefusedAsync(silo.Client, repo, claimedFor: Alice);

        // Alice's cancel (through nginx, to whichever silo) frees her slot.
        using (var cancel = await alice.Http.DeleteAsync(aliceFirst))
            Assert.Equal(HttpStatusCode.NoContent, cancel.StatusCode);
        await TestImages.StartUploadAsync(alice.Http, repo);

        // Rate buckets: one address drained behind nginx leaves another's untouched. Were both nginx's (one bucket per
        // silo), the second would be refused within its first requests.
        using var drained = new SourcedClient(balancer, "127.0.0.45");
        (await RateLimitTests.UntilRefusedAsync(drained, () => new HttpRequestMessage(HttpMethod.Get, "v2/"))).Dispose();
        using var fresh = new SourcedClient(balancer, "127.0.0.46");
        for (var i = 0; i < Burst; i++)
        {
            using var served = await fresh.Http.GetAsync("v2/");
            Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        }
    }

    private static async Task AssertSessionOpensAsync(HttpClient client, string repo, string claimedFor)
    {
        using var request = OpenSession(repo, claimedFor);
        using var response = await client.SendAsync(request);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted,
            $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}: a forged X-Forwarded-For was believed");
    }

    private static async Task AssertSessionRefusedAsync(HttpClient client, string repo, string? claimedFor = null)
    {
        using var request = OpenSession(repo, claimedFor);
        using var response = await client.SendAsync(request);
        await TestImages.AssertTooManyRequestsAsync(response);
    }

    private static HttpRequestMessage OpenSession(string repo, string? claimedFor)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"v2/{repo}/blobs/uploads/") { Content = new ByteArrayContent([]) };
        if (claimedFor is not null) request.Headers.Add("X-Forwarded-For", claimedFor);
        return request;
    }
}
