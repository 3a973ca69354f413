using System.Security.Cryptography;
using OrleansRegistry.Core;
using OrleansRegistry.Core.Schema1;

namespace OrleansRegistry.TestSupport;

/// <summary>
/// A Docker schema1 image for transfer tests: three random layers and a small "empty layer" blob that fsLayers lists
/// twice (as docker's empty layers repeat), newest first, signed with a fresh ECDSA P-256 key. Deterministic content for
/// a seed, except the signature (ECDSA is randomised), which the payload digest does not cover.
/// </summary>
public sealed class Schema1TestImage
{
    private Schema1TestImage(IReadOnlyList<byte[]> blobs, SignedManifest signed)
    {
        Blobs = blobs;
        Signed = signed;
    }

    /// <summary>Each distinct blob once, in the order fsLayers first lists it (the order a transfer moves them in).</summary>
    public IReadOnlyList<byte[]> Blobs { get; }

    public SignedManifest Signed { get; }

    /// <summary>The digest registries file it under: of the payload without signatures.</summary>
    public Digest Digest => Signed.Digest;

    /// <summary>The digest of the signed bytes, under which a content-addressed layout files it.</summary>
    public Digest BytesDigest => Digest.Compute(Signed.Bytes);

    public IEnumerable<Digest> BlobDigests => Blobs.Select(b => Digest.Compute(b));

    public static Schema1TestImage Build(string name, int seed)
    {
        var random = new Random(seed);
        byte[] Bytes(int size)
        {
            var data = new byte[size];
            random.NextBytes(data);
            return data;
        }
        var top = Bytes(4096);
        var empty = Bytes(32);
        var middle = Bytes(300_000);
        var bottom = Bytes(1_200_000);
        // Newest first, with the empty layer twice: [top, empty, middle, empty, bottom].
        var fsLayers = new[] { top, empty, middle, empty, bottom };
        var manifest = new Schema1Manifest(name, "v1", "amd64",
            fsLayers.Select(b => new Schema1FsLayer(Digest.Compute(b))).ToList(),
            fsLayers.Select((_, i) => new Schema1History($"{{\"id\":\"layer{i}\"}}")).ToList());
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return new Schema1TestImage([top, empty, middle, bottom], SignedManifest.Sign(manifest, key));
    }
}
