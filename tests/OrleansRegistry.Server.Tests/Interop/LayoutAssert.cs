using OrleansRegistry.Server.Tests.Infrastructure;

namespace OrleansRegistry.Server.Tests.Interop;

/// <summary>Content-addressed equality of two OCI layouts: the same blob set, every blob byte-identical.</summary>
public static class LayoutAssert
{
    /// <summary>
    /// The pulled layout holds exactly the source's blobs (manifests, configs, layers), each with the same bytes,
    /// and names the same manifest digest under <paramref name="tag"/>. A registry or client that rewrote a
    /// manifest, re-compressed a layer or dropped a blob fails here.
    /// </summary>
    public static void SameContent(OciLayout expected, OciLayout actual, string tag = "v1")
    {
        Assert.Equal(expected.ManifestDigest(tag), actual.ManifestDigest(tag));
        Assert.Equal(expected.BlobDigests(), actual.BlobDigests());
        foreach (var digest in expected.BlobDigests())
        {
            var bytes = actual.ReadBlob(digest);
            Assert.True(TestImages.Digest(bytes) == digest, $"blob {digest} in {actual.Directory} has other content");
            Assert.True(expected.ReadBlob(digest).AsSpan().SequenceEqual(bytes), $"blob {digest} differs");
        }
    }
}
