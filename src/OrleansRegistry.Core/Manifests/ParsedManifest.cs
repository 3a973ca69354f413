namespace OrleansRegistry.Core;

/// <summary>What the registry needs to know about a pushed manifest: its type and everything it references.</summary>
public sealed record ParsedManifest(
    string MediaType,
    Descriptor? Config,
    IReadOnlyList<Descriptor> Layers,
    IReadOnlyList<Descriptor> Manifests,
    Descriptor? Subject,
    string? ArtifactType,
    IReadOnlyDictionary<string, string>? Annotations)
{
    /// <summary>The blobs that must exist before the manifest may be stored: config, then layers.</summary>
    public IEnumerable<Descriptor> ReferencedBlobs =>
        Config is null ? Layers : Layers.Prepend(Config);

    public bool IsIndex => MediaTypes.IsIndex(MediaType);

    /// <summary>A Docker schema1 manifest: no config, and <see cref="Layers"/> are its fsLayers (newest first, repeats
    /// kept) with size 0, because schema1 records no layer sizes.</summary>
    public bool IsSchema1 => MediaTypes.IsSchema1(MediaType);

    /// <summary>
    /// The artifactType a referrers list reports for this manifest (spec: "Listing Referrers"): the manifest's
    /// artifactType when set; for an image manifest without one, config.mediaType; for an index without one, none.
    /// </summary>
    public string? EffectiveArtifactType =>
        !string.IsNullOrEmpty(ArtifactType) ? ArtifactType
        : IsIndex ? null
        : Config?.MediaType;
}
