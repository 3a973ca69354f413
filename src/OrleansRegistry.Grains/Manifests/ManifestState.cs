using OrleansRegistry.Grains.Abstractions.Manifests;

namespace OrleansRegistry.Grains.Manifests;

/// <summary>What a manifest grain persists: the manifest as pushed (null while the repository does not hold it).</summary>
[GenerateSerializer, Alias("ManifestState")]
public sealed class ManifestState
{
    [Id(0)] public ManifestContent? Content { get; set; }
}
