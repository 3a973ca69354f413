using OrleansRegistry.Client.Registry;
using OrleansRegistry.Core;

namespace OrleansRegistry.Client.Tests.Images;

/// <summary>Comparisons of images wherever they are: layouts blob for blob, and a tag's digest in a registry.</summary>
public static class LayoutAssert
{
    /// <summary>Both layouts hold exactly the same blob files, byte for byte (manifests and configs included).</summary>
    public static void SameBlobs(OciLayout expected, OciLayout actual)
    {
        Assert.Equal(expected.BlobDigests(), actual.BlobDigests());
        foreach (var digest in expected.BlobDigests())
            Assert.True(expected.ReadBlob(digest).AsSpan().SequenceEqual(actual.ReadBlob(digest)), $"blob {digest} differs");
    }

    public static async Task TagIsAsync(RepositoryClient repository, string tag, string digest)
    {
        var head = await repository.Manifests.HeadAsync(tag);
        Assert.NotNull(head);
        Assert.Equal(digest, head.Digest.ToString());
    }

    public static Descriptor Plain(Descriptor descriptor) => descriptor with { Annotations = null };
}
