using System.Net;
using OrleansRegistry.Server.Tests.Infrastructure;
using OrleansRegistry.TestSupport.Network;
using static OrleansRegistry.Server.Tests.Limits.RateLimitedRegistryFixture;

namespace OrleansRegistry.Server.Tests.Limits;

/// <summary>
/// <c>Registry:Limits:RateLimit</c>: after the burst a caller gets the spec's <c>429 TOOMANYREQUESTS</c> with
/// <c>Retry-After</c>; the refused request changes nothing; other callers and the probes are still served. Without
/// authentication every caller is <c>anonymous@ADDRESS</c>, so each test calls from a loopback address of its own
/// (127.0.0.0/8 is all loopback on Linux).
/// </summary>
public sealed class RateLimitTests(RateLimitedRegistryFixture fixture) : IClassFixture<RateLimitedRegistryFixture>
{
    // Enough requests to drain the bucket however slowly they go out (1 token comes back a second).
    private const int MaxAttempts = 200;

    [Fact]
    public async Task After_the_burst_requests_get_429_TOOMANYREQUESTS_with_Retry_After()
    {
        using var client = From("127.0.0.11");
        // The bucket starts full: the burst is served whatever the timing.
        for (var i = 0; i < Burst; i++)
        {
            using var served = await client.Http.GetAsync("v2/");
            Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        }

        using var refused = await UntilRefusedAsync(client, () => new HttpRequestMessage(HttpMethod.Get, "v2/"));
        await TestImages.AssertTooManyRequestsAsync(refused);
        Assert.Equal("registry/2.0", TestImages.HeaderValue(refused, "Docker-Distribution-API-Version"));

        // kubelet's probes are never limited.
        using var health = await client.Http.GetAsync("healthz");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [Fact]
    public async Task A_refused_push_stores_nothing_and_another_caller_is_still_served()
    {
        var repo = TestImages.UniqueRepo("limits/rate");
        byte[] manifest;
        using (var pusher = From("127.0.0.13")) (manifest, _) = await TestImages.PushImageAsync(pusher.Http, repo, "v1", seed: 51);
        using var other = From("127.0.0.14");

        using var client = From("127.0.0.12");
        // Drain the bucket, then push; should a token come back in between (one a second), the push is stored under
        // that attempt's tag and the next attempt tries again under a new one.
        for (var attempt = 0; attempt < 10; attempt++)
        {
            (await UntilRefusedAsync(client, () => new HttpRequestMessage(HttpMethod.Get, "v2/"))).Dispose();
            var tag = $"limited{attempt}";
            using var put = new HttpRequestMessage(HttpMethod.Put, $"v2/{repo}/manifests/{tag}")
            {
                Content = new ByteArrayContent(manifest) { Headers = { ContentType = new(TestImages.OciManifest) } },
            };
            using var response = await client.Http.SendAsync(put);
            if (response.StatusCode == HttpStatusCode.Created) continue;

            Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
            Assert.Equal(["TOOMANYREQUESTS"], await TestImages.ErrorCodesAsync(response));
            // Another address has a bucket of its own: it is served, and the refused tag does not exist.
            using var refusedTag = await other.Http.GetAsync($"v2/{repo}/manifests/{tag}");
            Assert.Equal(HttpStatusCode.NotFound, refusedTag.StatusCode);
            using var v1 = await other.Http.GetAsync($"v2/{repo}/manifests/v1");
            Assert.Equal(HttpStatusCode.OK, v1.StatusCode);
            return;
        }
        Assert.Fail("every push got a token back in time; none was refused");
    }

    /// <summary>Sends until the answer is 429 (bounded); every other answer must be a success.</summary>
    internal static async Task<HttpResponseMessage> UntilRefusedAsync(SourcedClient client, Func<HttpRequestMessage> request)
    {
        for (var i = 0; i < MaxAttempts; i++)
        {
            using var message = request();
            var response = await client.Http.SendAsync(message);
            if (response.StatusCode == HttpStatusCode.TooManyRequests) return response;
            Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode} before any 429");
            response.Dispose();
        }
        throw new Xunit.Sdk.XunitException($"no 429 within {MaxAttempts} requests");
    }

    private SourcedClient From(string address) => new(fixture.Registry.BaseAddress, IPAddress.Parse(address));
}
