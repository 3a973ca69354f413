using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using OrleansRegistry.Core;
using OrleansRegistry.Grains.Uploads;

namespace OrleansRegistry.Server.Hosting.Limits;

/// <summary>Applies <see cref="LimitsOptions"/>: Kestrel's connection and request limits, the registry's own, rate limiting.</summary>
public static class LimitsHosting
{
    public static WebApplicationBuilder AddRegistryLimits(this WebApplicationBuilder builder)
    {
        var limits = builder.Configuration.GetSection(LimitsOptions.Section).Get<LimitsOptions>() ?? new LimitsOptions();
        Validate(limits);
        builder.Services.AddSingleton(limits);
        // The manifest grain parses with these (Core knows nothing of the server's options).
        builder.Services.AddSingleton(Options.Create(limits.Manifest));
        // The upload session grains admit sessions with this (cluster-wide, through one quota grain per identity).
        builder.Services.Configure<UploadQuotaOptions>(o => o.MaxSessionsPerIdentity = limits.MaxUploadSessionsPerIdentity);
        if (limits.RateLimit.Enabled) builder.Services.AddRegistryRateLimiting(limits.RateLimit);
        builder.Services.AddRegistryForwardedHeaders(limits);

        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.MaxRequestBodySize = null; // blobs stream; manifests are capped by their endpoint
            k.Limits.MaxRequestHeadersTotalSize = limits.MaxRequestHeadersTotalSize;
            k.Limits.MaxRequestLineSize = limits.MaxRequestLineSize;
            k.Limits.MinRequestBodyDataRate = Rate(limits.MinRequestBodyDataRate);
            k.Limits.MinResponseDataRate = Rate(limits.MinResponseDataRate);
            k.Limits.RequestHeadersTimeout = limits.RequestHeadersTimeout;
            k.Limits.KeepAliveTimeout = limits.KeepAliveTimeout;
            k.Limits.MaxConcurrentConnections = limits.MaxConcurrentConnections;
        });
        return builder;
    }

    /// <summary>Rate limiting, when on. It keys on the caller, so it runs after authentication.</summary>
    public static IApplicationBuilder UseRegistryLimits(this IApplicationBuilder app) =>
        app.ApplicationServices.GetRequiredService<LimitsOptions>().RateLimit.Enabled ? app.UseRateLimiter() : app;

    private static MinDataRate? Rate(LimitsOptions.DataRate rate) =>
        rate.BytesPerSecond > 0 ? new MinDataRate(rate.BytesPerSecond, rate.GracePeriod) : null;

    // A wrong value should stop the start with its name, not surface later as a strange refusal.
    private static void Validate(LimitsOptions limits)
    {
        Require(limits.MaxNameLength is >= 1 and <= RepositoryName.MaxLength, "MaxNameLength", $"1 to {RepositoryName.MaxLength}");
        Require(limits.MaxTagLength is >= 1 and <= Tag.MaxLength, "MaxTagLength", $"1 to {Tag.MaxLength}");
        Require(limits.MaxPageSize >= 1, "MaxPageSize", "at least 1");
        Require(limits.MaxUploadSessionsPerIdentity >= 0, "MaxUploadSessionsPerIdentity", "0 (unlimited) or more");
        Require(limits.Manifest.MaxBytes >= 1, "Manifest:MaxBytes", "at least 1");
        Require(limits.Manifest.MaxDepth >= 1, "Manifest:MaxDepth", "at least 1");
        foreach (var (name, rate) in new[] { ("MinRequestBodyDataRate", limits.MinRequestBodyDataRate), ("MinResponseDataRate", limits.MinResponseDataRate) })
        {
            Require(rate.BytesPerSecond >= 0, $"{name}:BytesPerSecond", "0 (off) or more");
            Require(rate.BytesPerSecond == 0 || rate.GracePeriod > TimeSpan.FromSeconds(1), $"{name}:GracePeriod", "over 1 second (Kestrel checks rates once a second)");
        }
        Require(limits.RateLimit.PerIdentity.RequestsPerSecond >= 0 && limits.RateLimit.PerAddress.RequestsPerSecond >= 0,
            "RateLimit:*:RequestsPerSecond", "0 (off) or more");
    }

    private static void Require(bool ok, string setting, string allowed)
    {
        if (!ok) throw new InvalidOperationException($"{LimitsOptions.Section}:{setting} must be {allowed}");
    }
}
