using System.Text.Json;

namespace OrleansRegistry.TestSupport.Interop;

/// <summary>
/// An image built by <see cref="OciLayoutBuilder"/> from a seed and pushed with skopeo (byte for byte: the digests
/// are the layout's), with what a test counts an upstream's work by: the manifest digest and every layer's digest.
/// </summary>
public sealed record PushedImage(string Repository, string Tag, string ManifestDigest, IReadOnlyList<LayoutDescriptor> Layers)
{
    /// <summary>64 MiB of random layer data: the size a concurrent pull or a benchmark moves.</summary>
    public const int LargeLayerBytes = 64 << 20;

    /// <summary><c>REPOSITORY:TAG</c>.</summary>
    public string Name => $"{Repository}:{Tag}";

    /// <summary>The biggest layer: the one a test cuts, throttles or counts fetches of.</summary>
    public LayoutDescriptor LargestLayer => Layers.MaxBy(l => l.Size)!;

    /// <summary>
    /// Builds an image of one small layer and one of <paramref name="layerBytes"/> (random, so gzip keeps it that big)
    /// in a directory under <paramref name="scratch"/> (removed once pushed) and pushes it to <c>http://REGISTRY/REPOSITORY:TAG</c>.
    /// </summary>
    public static async Task<PushedImage> PushAsync(string registryHostPort, string repository, string tag, string scratch,
        int seed, int layerBytes = LargeLayerBytes)
    {
        var builder = new OciLayoutBuilder(Path.Combine(scratch, $"image-{seed}-{Guid.NewGuid():N}"));
        var manifest = builder.AddImage(seed, [3_000, layerBytes]);
        builder.Tag(manifest, tag);
        builder.Save();
        await Skopeo.CopyAsync(builder.Layout.Reference(tag), $"docker://{registryHostPort}/{repository}:{tag}");

        using var json = JsonDocument.Parse(builder.Layout.ReadBlob(manifest.Digest));
        var layers = json.RootElement.GetProperty("layers").EnumerateArray()
            .Select(l => new LayoutDescriptor(l.GetProperty("mediaType").GetString()!, l.GetProperty("digest").GetString()!, l.GetProperty("size").GetInt64()))
            .ToList();
        Directory.Delete(builder.Layout.Directory, recursive: true); // tens of MiB: gone as soon as pushed
        return new PushedImage(repository, tag, manifest.Digest, layers);
    }
}
