namespace OrleansRegistry.Cli.Tests.Infrastructure;

/// <summary>Test images and the checks that two layouts hold the same image.</summary>
public static class Images
{
    /// <summary>A repository name no other test uses.</summary>
    public static string UniqueRepo(string prefix) => $"cli/{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 16)];

    /// <summary>A small image (three layers up to 1 MiB) under <paramref name="tag"/>: enough to show every path, quick to move.</summary>
    public static OciLayout Small(string directory, int seed, string tag = "v1") =>
        OciLayoutBuilder.BuildImage(directory, seed, tag, bigLayerBytes: 1 << 20);

    /// <summary>The same manifest digest under the tags, and every blob of <paramref name="expected"/> byte-identical in <paramref name="actual"/>.</summary>
    public static void AssertSameImage(OciLayout expected, string expectedTag, OciLayout actual, string actualTag)
    {
        Assert.Equal(expected.ManifestDigest(expectedTag), actual.ManifestDigest(actualTag));
        Assert.Equal(expected.BlobDigests(), actual.BlobDigests());
        foreach (var digest in expected.BlobDigests())
        {
            var bytes = actual.ReadBlob(digest);
            Assert.Equal(digest, Sha256(bytes));
            Assert.Equal(expected.ReadBlob(digest), bytes);
        }
    }

    public static string Sha256(byte[] bytes) => TestData.Sha256(bytes);
}
