using System.Text.Json;

namespace OrleansRegistry.TestSupport.Interop;

/// <summary>
/// An image built by <see cref="OciLayoutBuilder"/> from a seed and pushed with skopeo, as an OCI manifest (byte for
/// byte the layout's) or converted to Docker schema2 (skopeo rewrites the manifest, the layers' bytes stay): the
/// manifest digest and media type and every layer as the registry serves them, what a test counts an upstream's work by.
/// </summary>
public sealed record PushedImage(string Repository, string Tag, string ManifestDigest, string MediaType, IReadOnlyList<LayoutDescriptor> Layers)
{
    public const string DockerSchema2MediaType = "application/vnd.docker.distribution.manifest.v2+json";

    /// <summary>64 MiB of random layer data: the size a concurrent pull or a benchmark moves.</summary>
    public const int LargeLayerBytes = 64 << 20;

    /// <summary><c>REPOSITORY:TAG</c>.</summary>
    public string Name => $"{Repository}:{Tag}";

    /// <summary>The biggest layer: the one a test cuts, throttles or counts fetches of.</summary>
    public LayoutDescriptor LargestLayer => Layers.MaxBy(l => l.Size)!;

    /// <summary>
    /// Builds an image of one small layer and one of <paramref name="layerBytes"/> (random, so gzip keeps it that big)
    /// in a directory under <paramref name="scratch"/> (removed once pushed) and pushes it to
    /// <c>http://REGISTRY/REPOSITORY:TAG</c>, as Docker schema2 when <paramref name="dockerSchema2"/>.
    /// </summary>
    public static async Task<PushedImage> PushAsync(string registryHostPort, string repository, string tag, string scratch,
        int seed, int layerBytes = LargeLayerBytes, bool dockerSchema2 = false)
    {
        var builder = new OciLayoutBuilder(Path.Combine(scratch, $"image-{seed}-{Guid.NewGuid():N}"));
        builder.Tag(builder.AddImage(seed, [3_000, layerBytes]), tag);
        builder.Save();
        var destination = $"docker://{registryHostPort}/{repository}:{tag}";
        try
        {
            await Skopeo.CopyAsync(builder.Layout.Reference(tag), destination, dockerSchema2 ? ["--format", "v2s2"] : []);
        }
        finally
        {
            Directory.Delete(builder.Layout.Directory, recursive: true); // tens of MiB: gone as soon as pushed
        }

        var served = await Skopeo.InspectRawAsync(destination);
        using var json = JsonDocument.Parse(served);
        var layers = json.RootElement.GetProperty("layers").EnumerateArray()
            .Select(l => new LayoutDescriptor(l.GetProperty("mediaType").GetString()!, l.GetProperty("digest").GetString()!, l.GetProperty("size").GetInt64()))
            .ToList();
        return new PushedImage(repository, tag, TestData.Sha256(served), json.RootElement.GetProperty("mediaType").GetString()!, layers);
    }
}
