namespace OrleansRegistry.Core;

/// <summary>The media types a registry meets: OCI image-spec types and their Docker image-spec predecessors.</summary>
public static class MediaTypes
{
    public const string OciManifest = "application/vnd.oci.image.manifest.v1+json";
    public const string OciIndex = "application/vnd.oci.image.index.v1+json";
    public const string OciEmptyJson = "application/vnd.oci.empty.v1+json";
    public const string OciConfig = "application/vnd.oci.image.config.v1+json";
    public const string DockerManifest = "application/vnd.docker.distribution.manifest.v2+json";
    public const string DockerManifestList = "application/vnd.docker.distribution.manifest.list.v2+json";
    public const string DockerConfig = "application/vnd.docker.container.image.v1+json";
    public const string DockerSchema1Signed = "application/vnd.docker.distribution.manifest.v1+prettyjws";
    public const string DockerSchema1 = "application/vnd.docker.distribution.manifest.v1+json";
    /// <summary>The type distribution gives schema1 fsLayers (schema1 <c>MediaTypeManifestLayer</c>).</summary>
    public const string DockerSchema1Layer = "application/vnd.docker.container.image.rootfs.diff+x-gtar";
    public const string Json = "application/json";
    public const string OctetStream = "application/octet-stream";

    /// <summary>True for the manifest types this registry stores: OCI image manifest and index, Docker schema2 manifest and
    /// list, Docker schema1 (signed, or its unsigned type name, which is accepted only with verified signatures too).</summary>
    public static bool IsManifest(string mediaType) => IsImageManifest(mediaType) || IsIndex(mediaType) || IsSchema1(mediaType);

    /// <summary>True for an OCI image manifest or a Docker schema2 manifest (one config, a list of layers).</summary>
    public static bool IsImageManifest(string mediaType) =>
        Is(mediaType, OciManifest) || Is(mediaType, DockerManifest);

    /// <summary>True for an OCI image index or a Docker manifest list (a list of child manifests).</summary>
    public static bool IsIndex(string mediaType) =>
        Is(mediaType, OciIndex) || Is(mediaType, DockerManifestList);

    /// <summary>True for either Docker schema1 type: accepted only signed, with every signature verified.</summary>
    public static bool IsSchema1(string mediaType) =>
        Is(mediaType, DockerSchema1Signed) || Is(mediaType, DockerSchema1);

    /// <summary>
    /// The type without parameters or surrounding space ("application/json; charset=utf-8" → "application/json"),
    /// lowercased; null for null or blank input. Known types come back as the interned constant.
    /// </summary>
    public static string? Essence(string? mediaType)
    {
        if (mediaType is null)
            return null;
        var span = mediaType.AsSpan();
        var semicolon = span.IndexOf(';');
        if (semicolon >= 0)
            span = span[..semicolon];
        span = span.Trim();
        if (span.IsEmpty)
            return null;
        foreach (var known in Known)
        {
            if (span.Equals(known, StringComparison.OrdinalIgnoreCase))
                return known;
        }
        return span.ToString().ToLowerInvariant();
    }

    private static readonly string[] Known =
    [
        OciManifest, OciIndex, DockerManifest, DockerManifestList, Json, OctetStream, OciEmptyJson, OciConfig,
        DockerConfig, DockerSchema1Signed, DockerSchema1, DockerSchema1Layer,
    ];

    // Media types compare case-insensitively (RFC 9110, section 8.3.1).
    private static bool Is(string? mediaType, string expected) =>
        string.Equals(mediaType, expected, StringComparison.OrdinalIgnoreCase);
}
