using System.Formats.Tar;
using System.IO.Compression;
using System.Text.Json;

namespace OrleansRegistry.TestSupport.Interop;

/// <summary>A content descriptor as image-spec writes it; <see cref="Os"/>/<see cref="Architecture"/> only matter for index entries.</summary>
public sealed record LayoutDescriptor(string MediaType, string Digest, long Size, string? Os = null, string? Architecture = null);

/// <summary>
/// Writes OCI image layouts without any tool, from seeded random data (so a failure can be reproduced):
/// real gzip-compressed tar layers (skopeo pushes gzip layers byte for byte; it would re-compress plain tar), a
/// config whose <c>rootfs.diff_ids</c> match the layers, image manifests, optionally an image index, and
/// <c>index.json</c> naming the tagged root.
/// </summary>
public sealed class OciLayoutBuilder
{
    public const string LayerMediaType = "application/vnd.oci.image.layer.v1.tar+gzip";
    public const string ConfigMediaType = "application/vnd.oci.image.config.v1+json";

    private readonly List<(LayoutDescriptor Descriptor, string Tag)> _tags = [];

    public OciLayoutBuilder(string directory)
    {
        Directory.CreateDirectory(Path.Combine(directory, "blobs", "sha256"));
        File.WriteAllText(Path.Combine(directory, "oci-layout"), """{"imageLayoutVersion":"1.0.0"}""");
        Layout = new OciLayout(directory);
    }

    public OciLayout Layout { get; }

    /// <summary>
    /// The usual test image: two small layers and one of about 20 MiB (big enough that clients and the server
    /// stream it in several buffers and skopeo may split it), under <paramref name="tag"/>.
    /// </summary>
    public static OciLayout BuildImage(string directory, int seed, string tag = "v1", int bigLayerBytes = 20 << 20)
    {
        var builder = new OciLayoutBuilder(directory);
        builder.Tag(builder.AddImage(seed, [3_000, 150_000, bigLayerBytes]), tag);
        builder.Save();
        return builder.Layout;
    }

    /// <summary>A multi-platform image: an image index over a linux/amd64 and a linux/arm64 image, under <paramref name="tag"/>.</summary>
    public static OciLayout BuildIndex(string directory, int seed, string tag = "v1")
    {
        var builder = new OciLayoutBuilder(directory);
        var amd64 = builder.AddImage(seed, [2_000, 400_000], "amd64");
        var arm64 = builder.AddImage(seed + 1000, [2_500, 300_000], "arm64");
        builder.Tag(builder.AddIndex([amd64, arm64]), tag);
        builder.Save();
        return builder.Layout;
    }

    public LayoutDescriptor AddBlob(byte[] data, string mediaType)
    {
        var digest = TestData.Sha256(data);
        File.WriteAllBytes(Layout.BlobPath(digest), data);
        return new LayoutDescriptor(mediaType, digest, data.Length);
    }

    /// <summary>A gzip tar holding one file of random bytes; returns the layer and its diff id (digest of the tar).</summary>
    public (LayoutDescriptor Layer, string DiffId) AddLayer(int fileBytes, int seed)
    {
        using var tar = new MemoryStream();
        using (var writer = new TarWriter(tar, TarEntryFormat.Pax, leaveOpen: true))
        {
            var entry = new PaxTarEntry(TarEntryType.RegularFile, $"data/file-{seed}.bin")
            {
                ModificationTime = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero),
                Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
                DataStream = new MemoryStream(TestData.RandomBytes(fileBytes, seed)),
            };
            writer.WriteEntry(entry);
        }
        var tarBytes = tar.ToArray();
        using var gz = new MemoryStream();
        using (var gzip = new GZipStream(gz, CompressionLevel.Fastest, leaveOpen: true)) gzip.Write(tarBytes);
        var diffId = TestData.Sha256(tarBytes);
        return (AddBlob(gz.ToArray(), LayerMediaType), diffId);
    }

    /// <summary>Layers of the given file sizes, a config that names their diff ids, and the image manifest.</summary>
    public LayoutDescriptor AddImage(int seed, IReadOnlyList<int> layerFileBytes, string architecture = "amd64") =>
        AddImage(seed, layerFileBytes.Select((size, i) => AddLayer(size, seed * 100 + i)).ToList(), architecture);

    /// <summary>An image of layers made by <see cref="AddLayer"/> (one layer may be in several images), its config and manifest.</summary>
    public LayoutDescriptor AddImage(int seed, IReadOnlyList<(LayoutDescriptor Layer, string DiffId)> layers, string architecture = "amd64")
    {
        var config = JsonSerializer.SerializeToUtf8Bytes(new
        {
            created = "2024-01-01T00:00:00Z",
            architecture,
            os = "linux",
            config = new { Env = new[] { $"SEED={seed}" } },
            rootfs = new { type = "layers", diff_ids = layers.Select(l => l.DiffId).ToArray() },
        });
        var configDescriptor = AddBlob(config, ConfigMediaType);
        var manifest = JsonSerializer.SerializeToUtf8Bytes(new
        {
            schemaVersion = 2,
            mediaType = "application/vnd.oci.image.manifest.v1+json",
            config = new { mediaType = configDescriptor.MediaType, digest = configDescriptor.Digest, size = configDescriptor.Size },
            layers = layers.Select(l => new { mediaType = l.Layer.MediaType, digest = l.Layer.Digest, size = l.Layer.Size }).ToArray(),
        });
        return AddBlob(manifest, "application/vnd.oci.image.manifest.v1+json") with { Os = "linux", Architecture = architecture };
    }

    public LayoutDescriptor AddIndex(IReadOnlyList<LayoutDescriptor> children)
    {
        var index = JsonSerializer.SerializeToUtf8Bytes(new
        {
            schemaVersion = 2,
            mediaType = "application/vnd.oci.image.index.v1+json",
            manifests = children.Select(c => new
            {
                mediaType = c.MediaType,
                digest = c.Digest,
                size = c.Size,
                platform = new { architecture = c.Architecture, os = c.Os },
            }).ToArray(),
        });
        return AddBlob(index, "application/vnd.oci.image.index.v1+json");
    }

    public void Tag(LayoutDescriptor descriptor, string tag) => _tags.Add((descriptor, tag));

    /// <summary>Writes <c>index.json</c> with one entry per tag.</summary>
    public void Save()
    {
        var index = JsonSerializer.SerializeToUtf8Bytes(new
        {
            schemaVersion = 2,
            mediaType = "application/vnd.oci.image.index.v1+json",
            manifests = _tags.Select(t => new
            {
                mediaType = t.Descriptor.MediaType,
                digest = t.Descriptor.Digest,
                size = t.Descriptor.Size,
                annotations = new Dictionary<string, string> { ["org.opencontainers.image.ref.name"] = t.Tag },
            }).ToArray(),
        });
        File.WriteAllBytes(Path.Combine(Layout.Directory, "index.json"), index);
    }
}
