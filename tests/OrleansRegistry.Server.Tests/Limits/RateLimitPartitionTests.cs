using System.Net;
using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;
using OrleansRegistry.Server.Hosting.Limits;

namespace OrleansRegistry.Server.Tests.Limits;

/// <summary>
/// The buckets the rate limiter keys, without a server (authentication is another branch's, so the real server has no
/// named callers yet): per identity the user name, else <c>anonymous@ADDRESS</c>; per address the client IP, whoever
/// authenticates over it; both chained. Token refill is 1 a second; each case spends its tokens at once.
/// </summary>
public sealed class RateLimitPartitionTests
{
    private static readonly RateLimitOptions Both = new()
    {
        PerIdentity = { RequestsPerSecond = 1, Burst = 2 },
        PerAddress = { RequestsPerSecond = 1, Burst = 3 },
    };

    [Fact]
    public void Users_sharing_an_address_have_buckets_of_their_own_within_the_address_bucket()
    {
        using var limiter = RequestRateLimiting.CreateLimiter(Both);
        // alice spends her own bucket (2); bob then gets the address's last token; carol elsewhere is untouched.
        Assert.Equal([true, true, false], Attempts(limiter, Request("alice", "10.0.0.1"), 3));
        Assert.Equal([true, false], Attempts(limiter, Request("bob", "10.0.0.1"), 2));
        Assert.Equal([true, true, false], Attempts(limiter, Request("carol", "10.0.0.2"), 3));
    }

    [Fact]
    public void Anonymous_callers_are_keyed_by_their_address()
    {
        using var limiter = RequestRateLimiting.CreateLimiter(new RateLimitOptions { PerIdentity = { RequestsPerSecond = 1, Burst = 2 } });
        Assert.Equal([true, true, false], Attempts(limiter, Request(null, "10.0.0.3"), 3));
        Assert.Equal([true], Attempts(limiter, Request(null, "10.0.0.4"), 1));
        Assert.Equal([true], Attempts(limiter, Request("dave", "10.0.0.3"), 1));
        Assert.Equal("anonymous@10.0.0.3", RequestRateLimiting.IdentityKey(Request(null, "10.0.0.3")));
        Assert.Equal("dave", RequestRateLimiting.IdentityKey(Request("dave", "10.0.0.3")));
    }

    [Fact]
    public void Probes_are_never_limited()
    {
        using var limiter = RequestRateLimiting.CreateLimiter(new RateLimitOptions { PerAddress = { RequestsPerSecond = 1, Burst = 1 } });
        var probe = Request(null, "10.0.0.5", "/readyz");
        Assert.Equal(Enumerable.Repeat(true, 10), Attempts(limiter, probe, 10));
        Assert.Equal([true, false], Attempts(limiter, Request(null, "10.0.0.5"), 2));
    }

    private static bool[] Attempts(PartitionedRateLimiter<HttpContext> limiter, HttpContext context, int count) =>
        Enumerable.Range(0, count).Select(_ =>
        {
            using var lease = limiter.AttemptAcquire(context);
            return lease.IsAcquired;
        }).ToArray();

    private static DefaultHttpContext Request(string? user, string address, string path = "/v2/")
    {
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = IPAddress.Parse(address);
        context.Request.Path = path;
        if (user is not null) context.User = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, user)], "test"));
        return context;
    }
}
