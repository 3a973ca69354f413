namespace OrleansRegistry.Core.Tests.Digests;

// Architecture "Upload state machine": hash while writing, so the digest is known when the stream ends.
public sealed class DigestHasherTests
{
    [Theory]
    [InlineData("sha256")]
    [InlineData("sha512")]
    public void Streaming_in_chunks_equals_one_shot(string algorithm)
    {
        var data = new byte[1_000_003];
        new Random(42).NextBytes(data);
        using var hasher = DigestHasher.Create(algorithm);
        foreach (var size in new[] { 0, 1, 7, 65_536, 1_000 })
        {
            var offset = (int)hasher.BytesHashed;
            hasher.Append(data.AsSpan(offset, size));
        }
        hasher.Append(data.AsSpan((int)hasher.BytesHashed));

        Assert.Equal(data.Length, hasher.BytesHashed);
        Assert.Equal(Digest.Compute(data, algorithm), hasher.GetCurrentDigest());
        Assert.Equal(algorithm, hasher.Algorithm);
    }

    [Fact]
    public void GetCurrentDigest_does_not_reset_so_hashing_can_continue()
    {
        using var hasher = DigestHasher.Create("sha256");
        hasher.Append("hello "u8);
        Assert.Equal(Digest.Compute("hello "u8), hasher.GetCurrentDigest());
        hasher.Append("world"u8);
        Assert.Equal(Digest.Compute("hello world"u8), hasher.GetCurrentDigest());
        Assert.Equal(11, hasher.BytesHashed);
    }

    [Fact]
    public void Nothing_appended_is_the_digest_of_the_empty_blob()
    {
        using var hasher = DigestHasher.Create("sha256");
        Assert.Equal("sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", hasher.GetCurrentDigest().ToString());
        Assert.Equal(0, hasher.BytesHashed);
    }

    [Theory]
    [InlineData("md5")]
    [InlineData("SHA256")]
    [InlineData("blake3")]
    [InlineData("")]
    public void Create_refuses_unsupported_algorithms_with_DIGEST_INVALID(string algorithm)
    {
        var e = Assert.Throws<RegistryException>(() => DigestHasher.Create(algorithm));
        Assert.Same(ErrorCatalog.DigestInvalid, e.Descriptor);
        Assert.Equal("unsupported digest algorithm", e.Message);
    }
}
