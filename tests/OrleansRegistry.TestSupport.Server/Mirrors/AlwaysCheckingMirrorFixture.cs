using OrleansRegistry.TestSupport.Network;

namespace OrleansRegistry.TestSupport.Mirrors;

/// <summary>
/// A mirror asking its upstream at every pull (TagCheckInterval 0), with a short upstream timeout and an allow list; and a second mirror,
/// under <see cref="RateLimitedPrefix"/>, of an upstream that refuses every request with 429 and a Retry-After.
/// </summary>
public sealed class AlwaysCheckingMirrorFixture : MirrorRegistryFixture
{
    public const string RateLimitedPrefix = "limited";
    public const int RetryAfterSeconds = 42;

    public FixedResponseServer RateLimited { get; } = new(
        """{"errors":[{"code":"TOOMANYREQUESTS","message":"pull rate limit"}]}"""u8.ToArray(),
        "429 Too Many Requests",
        new Dictionary<string, string> { ["Retry-After"] = $"{RetryAfterSeconds}", ["Content-Type"] = "application/json" });

    /// <summary>The allow list: upstream repositories under <c>library/</c> only.</summary>
    public const string AllowedRepositories = "library/**";

    protected override void Configure(Dictionary<string, string> settings)
    {
        settings[Setting("TagCheckInterval")] = "00:00:00";
        settings[Setting("Repositories__0")] = AllowedRepositories;
        settings[Setting("UpstreamTimeout")] = "00:00:03";
        settings[Setting("Url", mirror: 1)] = $"http://{RateLimited.HostPort}";
        settings[Setting("Prefix", mirror: 1)] = RateLimitedPrefix;
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await RateLimited.DisposeAsync();
    }
}
