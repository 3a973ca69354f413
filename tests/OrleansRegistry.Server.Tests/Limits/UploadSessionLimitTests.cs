using System.Net;
using OrleansRegistry.Server.Tests.Infrastructure;
using static OrleansRegistry.Server.Tests.Limits.SessionLimitedRegistryFixture;

namespace OrleansRegistry.Server.Tests.Limits;

/// <summary>
/// <c>Registry:Limits:MaxUploadSessionsPerIdentity</c> on the real server with authentication on: a user at the limit
/// gets <c>429 TOOMANYREQUESTS</c> with <c>Retry-After</c> for one more session (chunked or monolithic) and nothing is
/// created; another user is still served; cancelling or finishing a session frees its slot. Each test uses users
/// of its own, since the count is the server's for as long as it runs.
/// </summary>
public sealed class UploadSessionLimitTests(SessionLimitedRegistryFixture fixture) : IClassFixture<SessionLimitedRegistryFixture>
{
    [Fact]
    public async Task A_user_at_the_limit_gets_429_and_nothing_is_created_while_another_user_is_served()
    {
        var repo = TestImages.UniqueRepo("limits/sessions");
        using var alice = fixture.ClientFor("alice");
        using var bob = fixture.ClientFor("bob");
        for (var i = 0; i < Limit; i++) await TestImages.StartUploadAsync(alice, repo);

        using (var refused = await alice.PostAsync($"v2/{repo}/blobs/uploads/", new ByteArrayContent([])))
        {
            await TestImages.AssertTooManyRequestsAsync(refused);
            Assert.Null(refused.Headers.Location);
        }

        // A monolithic upload opens a session too: refused, and the blob does not exist afterwards.
        var blob = TestImages.RandomBytes(4_000, seed: 71);
        var digest = TestImages.Digest(blob);
        using (var monolithic = await alice.PostAsync($"v2/{repo}/blobs/uploads/?digest={digest}", TestImages.Octets(blob)))
            await TestImages.AssertTooManyRequestsAsync(monolithic);
        using (var head = new HttpRequestMessage(HttpMethod.Head, $"v2/{repo}/blobs/{digest}"))
        using (var missing = await bob.SendAsync(head))
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);

        // bob has slots of his own; alice's other requests (reads, her open sessions) are not refused.
        for (var i = 0; i < Limit; i++) await TestImages.StartUploadAsync(bob, repo);
        using var catalog = await alice.GetAsync("v2/_catalog");
        Assert.Equal(HttpStatusCode.OK, catalog.StatusCode);
    }

    [Fact]
    public async Task Cancelling_or_finishing_a_session_frees_a_slot()
    {
        var repo = TestImages.UniqueRepo("limits/sessions");
        using var carol = fixture.ClientFor("carol");
        var (cancelled, _) = await TestImages.StartUploadAsync(carol, repo);
        var (finished, _) = await TestImages.StartUploadAsync(carol, repo);
        await AssertRefusedAsync(carol, repo);

        using (var cancel = await carol.DeleteAsync(cancelled))
            Assert.Equal(HttpStatusCode.NoContent, cancel.StatusCode);
        await TestImages.StartUploadAsync(carol, repo);
        await AssertRefusedAsync(carol, repo);

        var blob = TestImages.RandomBytes(3_000, seed: 72);
        using (var finish = await carol.PutAsync(TestImages.WithDigest(finished, TestImages.Digest(blob)), TestImages.Octets(blob)))
            Assert.Equal(HttpStatusCode.Created, finish.StatusCode);
        await TestImages.StartUploadAsync(carol, repo);
        await AssertRefusedAsync(carol, repo);
    }

    private static async Task AssertRefusedAsync(HttpClient client, string repo)
    {
        using var refused = await client.PostAsync($"v2/{repo}/blobs/uploads/", new ByteArrayContent([]));
        await TestImages.AssertTooManyRequestsAsync(refused);
    }
}
