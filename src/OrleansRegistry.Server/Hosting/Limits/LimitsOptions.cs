using OrleansRegistry.Core;
using OrleansRegistry.Grains.Uploads;

namespace OrleansRegistry.Server.Hosting.Limits;

/// <summary>
/// What one request and one client may cost (configuration section <c>Registry:Limits</c>; env
/// <c>Registry__Limits__…</c>). Each limit answers with the spec's error, never a 500; docs/configuration.md lists them.
/// </summary>
public sealed class LimitsOptions
{
    public const string Section = $"{RegistryOptions.Section}:Limits";

    /// <summary>Manifest body size (413 MANIFEST_TOO_LARGE) and JSON nesting depth (400 MANIFEST_INVALID).</summary>
    public ManifestLimits Manifest { get; set; } = new();

    /// <summary>Repository names longer than this are NAME_INVALID; at most the 255 the name grammar allows here.</summary>
    public int MaxNameLength { get; set; } = RepositoryName.MaxLength;

    /// <summary>Tags longer than this are TAG_INVALID on push; at most the 128 of the spec's tag grammar.</summary>
    public int MaxTagLength { get; set; } = Tag.MaxLength;

    /// <summary>
    /// The largest page of <c>_catalog</c> and <c>tags/list</c>: a larger <c>n</c> is served as this many with a
    /// <c>Link</c> to the next page (the spec allows fewer than <c>n</c> results when a Link is given), and every list
    /// response says the cap in <see cref="Endpoints.RegistryHeaders.MaxPageSize"/>.
    /// </summary>
    public int MaxPageSize { get; set; } = 10_000;

    /// <summary>All request headers together (Kestrel's <c>MaxRequestHeadersTotalSize</c>); larger gets 431.</summary>
    public int MaxRequestHeadersTotalSize { get; set; } = 32 * 1024;

    /// <summary>The request line, i.e. method and URL (Kestrel's <c>MaxRequestLineSize</c>); longer gets 414.</summary>
    public int MaxRequestLineSize { get; set; } = 8 * 1024;

    /// <summary>
    /// Slow clients: a request body arriving slower than this (after the grace period) is cut off (Kestrel's
    /// <c>MinRequestBodyDataRate</c>). A rate, never a deadline, so a multi-GiB upload at a healthy speed is never
    /// cut. <c>BytesPerSecond</c> 0 turns it off.
    /// </summary>
    public DataRate MinRequestBodyDataRate { get; set; } = new();

    /// <summary>The same for a client that reads a response (a blob download) slower than this.</summary>
    public DataRate MinResponseDataRate { get; set; } = new();

    /// <summary>How long a client may take to send the request line and headers (slowloris); then 408 and closed.</summary>
    public TimeSpan RequestHeadersTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long an idle keep-alive connection stays open between requests.</summary>
    public TimeSpan KeepAliveTimeout { get; set; } = TimeSpan.FromSeconds(130);

    /// <summary>Open connections per silo beyond which new ones are refused (null: no cap, Kestrel's default).</summary>
    public long? MaxConcurrentConnections { get; set; }

    /// <summary>
    /// Upload sessions one identity (user, or <c>anonymous@ADDRESS</c>) may hold open at once across the cluster, from
    /// open until finished, cancelled or expired; one more is refused with 429 TOOMANYREQUESTS. 0: unlimited.
    /// </summary>
    public int MaxUploadSessionsPerIdentity { get; set; } = new UploadQuotaOptions().MaxSessionsPerIdentity;

    /// <summary>
    /// Proxies (addresses, or networks as <c>10.0.0.0/8</c>) whose <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c>
    /// are believed, so that rate limits, upload limits and the audit log see the client behind them. Null (unset):
    /// loopback only (127.0.0.0/8, ::1), as for scripts/cluster's nginx. Anyone else's forwarded headers are ignored.
    /// </summary>
    public string[]? TrustedProxies { get; set; }

    /// <summary>Request rate per identity and per client address (off by default).</summary>
    public RateLimitOptions RateLimit { get; set; } = new();

    /// <summary>Kestrel's data-rate pair; its defaults are Kestrel's own (240 bytes/s after 5 s).</summary>
    public sealed class DataRate
    {
        public double BytesPerSecond { get; set; } = 240;

        /// <summary>How long a transfer may stay below the rate first; Kestrel requires more than 1 s.</summary>
        public TimeSpan GracePeriod { get; set; } = TimeSpan.FromSeconds(5);
    }
}
