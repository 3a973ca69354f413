namespace OrleansRegistry.Core;

/// <summary>
/// How large and how deeply nested a pushed manifest may be (server setting <c>Registry:Limits:Manifest</c>). The spec
/// says a registry SHOULD accept manifests of at least 4 megabytes and SHOULD answer 413 above its limit ("Pushing
/// Manifests"); real manifests nest about 5 levels, so the depth only stops documents built to exhaust the parser.
/// </summary>
public sealed class ManifestLimits
{
    public const int DefaultMaxBytes = 4 * 1024 * 1024;
    public const int DefaultMaxDepth = 64;

    public static ManifestLimits Default { get; } = new();

    /// <summary>Largest body accepted; above it MANIFEST_TOO_LARGE (413).</summary>
    public int MaxBytes { get; set; } = DefaultMaxBytes;

    /// <summary>Deepest JSON nesting accepted (objects and arrays); deeper is MANIFEST_INVALID (400).</summary>
    public int MaxDepth { get; set; } = DefaultMaxDepth;
}
