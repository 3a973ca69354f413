using OrleansRegistry.Core;

namespace OrleansRegistry.Grains.Abstractions.Mirrors;

/// <summary>
/// Where a mirrored tag points; <paramref name="StaleWarning"/> is set when the upstream could not be asked and the
/// cached digest is served instead (the server sends it as a <c>Warning: 299</c> header).
/// </summary>
[GenerateSerializer, Immutable, Alias("MirrorTagAnswer")]
public sealed record MirrorTagAnswer(
    [property: Id(0)] Digest Digest,
    [property: Id(1)] string? StaleWarning);
