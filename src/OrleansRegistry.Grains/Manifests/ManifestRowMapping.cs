using OrleansRegistry.Core;
using OrleansRegistry.Grains.Abstractions.Manifests;
using OrleansRegistry.Storage.Index;

namespace OrleansRegistry.Grains.Manifests;

/// <summary>The one translation between a parsed manifest and its rows (manifests, manifest_references, referrers).</summary>
public static class ManifestRowMapping
{
    /// <summary>What storing <paramref name="bytes"/> as manifest <paramref name="digest"/> writes.</summary>
    public static ManifestWrite ToWrite(Digest digest, ParsedManifest parsed, byte[] bytes, Tag? tag) => new(
        digest,
        parsed.MediaType,
        bytes,
        References(parsed),
        parsed.Subject is null
            ? null
            : new ReferrerRecord(digest, parsed.MediaType, bytes.Length, parsed.EffectiveArtifactType, parsed.Annotations),
        parsed.Subject?.Digest,
        tag);

    public static ManifestContent ToContent(ManifestRow row) => new(row.Digest, row.MediaType, row.Content, row.Subject);

    /// <summary>Config and layers (blobs), index children (manifests), the subject; each (kind, digest) once.</summary>
    private static List<ManifestReference> References(ParsedManifest parsed) =>
        parsed.ReferencedBlobs.Select(d => new ManifestReference(ManifestReference.Blob, d.Digest, d.Size))
            .Concat(parsed.Manifests.Select(d => new ManifestReference(ManifestReference.Manifest, d.Digest, d.Size)))
            .Concat(parsed.Subject is { } s ? [new ManifestReference(ManifestReference.Subject, s.Digest, s.Size)] : [])
            .DistinctBy(r => (r.Kind, r.Digest))
            .ToList();
}
