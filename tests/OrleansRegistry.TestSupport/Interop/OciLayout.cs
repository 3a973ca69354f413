using System.Text.Json;

namespace OrleansRegistry.TestSupport.Interop;

/// <summary>
/// Reads an OCI image layout directory (image-spec "OCI Image Layout": <c>oci-layout</c>, <c>index.json</c>,
/// <c>blobs/&lt;alg&gt;/&lt;hex&gt;</c>), whether we wrote it or skopeo did, so both sides can be compared blob by blob.
/// </summary>
public sealed class OciLayout(string directory)
{
    public string Directory { get; } = directory;

    /// <summary>The skopeo/containers-image reference of a tag in this layout.</summary>
    public string Reference(string tag) => $"oci:{Directory}:{tag}";

    /// <summary>The digest <c>index.json</c> names for a tag (annotation <c>org.opencontainers.image.ref.name</c>).</summary>
    public string ManifestDigest(string tag)
    {
        using var index = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(Directory, "index.json")));
        foreach (var entry in index.RootElement.GetProperty("manifests").EnumerateArray())
        {
            if (entry.TryGetProperty("annotations", out var annotations)
                && annotations.TryGetProperty("org.opencontainers.image.ref.name", out var name)
                && name.GetString() == tag)
                return entry.GetProperty("digest").GetString()!;
        }
        throw new KeyNotFoundException($"tag {tag} is not in {Directory}/index.json");
    }

    public byte[] ReadBlob(string digest) => File.ReadAllBytes(BlobPath(digest));

    public string BlobPath(string digest)
    {
        var parts = digest.Split(':', 2);
        return Path.Combine(Directory, "blobs", parts[0], parts[1]);
    }

    /// <summary>Every blob file in the layout (manifests and configs are blobs too), as digests, sorted.</summary>
    public IReadOnlyList<string> BlobDigests()
    {
        var root = Path.Combine(Directory, "blobs");
        return System.IO.Directory.EnumerateDirectories(root)
            .SelectMany(alg => System.IO.Directory.EnumerateFiles(alg).Select(f => $"{Path.GetFileName(alg)}:{Path.GetFileName(f)}"))
            .Order(StringComparer.Ordinal)
            .ToList();
    }
}
