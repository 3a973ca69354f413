namespace OrleansRegistry.Server.Hosting.Limits;

/// <summary>
/// Request rate limits (section <c>Registry:Limits:RateLimit</c>), token buckets kept by each silo for itself: behind
/// a balancer over N silos a client may get up to N times the rate. Both are off (0) by default.
/// </summary>
public sealed class RateLimitOptions
{
    /// <summary>
    /// Per identity: the authenticated user, or for anonymous callers <c>anonymous@ADDRESS</c> (the identity contract
    /// of docs/security.md#identity).
    /// </summary>
    public Bucket PerIdentity { get; set; } = new();

    /// <summary>Per client address, whoever is authenticated over it: one address cannot outrun it with many accounts.</summary>
    public Bucket PerAddress { get; set; } = new();

    public bool Enabled => PerIdentity.Enabled || PerAddress.Enabled;

    /// <summary>A token bucket: <see cref="RequestsPerSecond"/> refill, up to <see cref="Burst"/> at once.</summary>
    public sealed class Bucket
    {
        /// <summary>Sustained requests per second; 0 turns this bucket off.</summary>
        public int RequestsPerSecond { get; set; }

        /// <summary>Requests allowed at once before the rate applies; 0 means one second's worth.</summary>
        public int Burst { get; set; }

        public bool Enabled => RequestsPerSecond > 0;

        public int TokenLimit => Burst > 0 ? Burst : RequestsPerSecond;
    }
}
