using OrleansRegistry.Core;

namespace OrleansRegistry.Grains.Abstractions.Mirrors;

/// <summary>
/// One tag of one mirrored repository (key <c>{repository}:{tag}</c>, the local names; see
/// <see cref="RegistryGrains.MirrorTag"/>). It remembers when it last asked the upstream, so the upstream is asked at
/// most once per <c>TagCheckInterval</c> for this tag however many silos serve its pulls. Calls queue (the grain is
/// not reentrant): concurrent pulls of a stale tag wait for one upstream check instead of making one each.
/// </summary>
[Alias("IMirrorTagGrain")]
public interface IMirrorTagGrain : IGrainWithStringKey
{
    /// <summary>
    /// The digest the tag points to, asking the upstream (a <c>HEAD</c>, then a <c>GET</c> only when the digest is new
    /// here) when the last answer is older than the interval, and caching a new manifest as it was received. Fails
    /// with the upstream's MANIFEST_UNKNOWN / NAME_UNKNOWN as themselves, or UNAVAILABLE when the upstream cannot
    /// answer and nothing is cached (or serving stale answers is off).
    /// </summary>
    [Alias("Resolve")]
    Task<MirrorTagAnswer> Resolve();
}
