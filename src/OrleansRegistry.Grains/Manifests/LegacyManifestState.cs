using OrleansRegistry.Grains.Abstractions.Manifests;

namespace OrleansRegistry.Grains.Manifests;

/// <summary>
/// What a manifest grain persisted as Orleans grain state (state name "manifest") before manifests became rows. Kept
/// only so <see cref="ManifestStateMove"/> can read such state and move it into the `manifests` table.
/// </summary>
[GenerateSerializer, Alias("ManifestState")]
public sealed class LegacyManifestState
{
    [Id(0)] public ManifestContent? Content { get; set; }
}
