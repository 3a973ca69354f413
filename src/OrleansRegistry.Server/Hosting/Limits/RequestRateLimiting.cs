using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using OrleansRegistry.Core;
using OrleansRegistry.Server.Errors;
using OrleansRegistry.Server.Security;

namespace OrleansRegistry.Server.Hosting.Limits;

/// <summary>
/// ASP.NET Core rate limiting over every request but the probes: a token bucket per identity and one per client
/// address, chained (a request needs a token from each bucket that is on). A refused request gets the spec's
/// <c>429 TOOMANYREQUESTS</c> body with <c>Retry-After</c>.
/// </summary>
public static class RequestRateLimiting
{
    public static IServiceCollection AddRegistryRateLimiting(this IServiceCollection services, RateLimitOptions options) =>
        services.AddRateLimiter(o =>
        {
            o.GlobalLimiter = CreateLimiter(options);
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.OnRejected = (rejected, _) => new ValueTask(WriteTooManyRequests(rejected.HttpContext, rejected.Lease));
        });

    /// <summary>The buckets that are on, chained: a request needs a token from each.</summary>
    public static PartitionedRateLimiter<HttpContext> CreateLimiter(RateLimitOptions options)
    {
        var limiters = new List<PartitionedRateLimiter<HttpContext>>();
        if (options.PerIdentity.Enabled) limiters.Add(Buckets(options.PerIdentity, IdentityKey));
        if (options.PerAddress.Enabled) limiters.Add(Buckets(options.PerAddress, Caller.Address));
        if (limiters.Count == 0) throw new InvalidOperationException("no rate limit is on");
        return limiters.Count == 1 ? limiters[0] : PartitionedRateLimiter.CreateChained([.. limiters]);
    }

    /// <summary>The identity contract: the authenticated caller's name, else <c>anonymous@ADDRESS</c> (<see cref="Caller.Key"/>).</summary>
    public static string IdentityKey(HttpContext context) => Caller.Key(context);

    private static PartitionedRateLimiter<HttpContext> Buckets(RateLimitOptions.Bucket bucket, Func<HttpContext, string> key) =>
        PartitionedRateLimiter.Create<HttpContext, string>(context =>
            IsProbe(context.Request.Path)
                // kubelet's probes must never be refused, or a busy silo would be restarted for it.
                ? RateLimitPartition.GetNoLimiter("")
                : RateLimitPartition.GetTokenBucketLimiter(key(context), _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = bucket.TokenLimit,
                    TokensPerPeriod = bucket.RequestsPerSecond,
                    ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                    QueueLimit = 0, // refuse at once: a queued request would hold its connection and body meanwhile
                    AutoReplenishment = true,
                }));

    private static bool IsProbe(PathString path) => path == "/healthz" || path == "/readyz";

    private static Task WriteTooManyRequests(HttpContext context, RateLimitLease lease)
    {
        var seconds = lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter)
            ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds))
            : 1;
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return RegistryErrorResult.From(ErrorCatalog.TooManyRequests, $"request rate limit reached; retry in {seconds} s",
            new { retryAfter = seconds }).ExecuteAsync(context);
    }
}
