using OrleansRegistry.Core;

namespace OrleansRegistry.Grains.Abstractions.Manifests;

/// <summary>A stored manifest: its bytes exactly as pushed, served byte for byte with the media type it came with.</summary>
[GenerateSerializer, Immutable, Alias("ManifestContent")]
public sealed record ManifestContent(
    [property: Id(0)] Digest Digest,
    [property: Id(1)] string MediaType,
    [property: Id(2)] byte[] Bytes,
    [property: Id(3)] Digest? Subject);
