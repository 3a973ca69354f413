namespace OrleansRegistry.Core.Tests.Digests;

// Architecture "Upload state machine": hash while writing, so the digest is known when the stream ends.
// Image-spec descriptor.md "Digests", "Registered algorithms": sha256 is SHA-256 and sha512 is SHA-512 (RFC 4634 4.1 / 4.2).
// Each test runs on both implementations: the exportable one (OpenSSL's low-level SHA-2) and IncrementalHash.
public sealed class DigestHasherTests
{
    public static TheoryData<string, bool> AlgorithmsAndBackends => new()
    {
        { "sha256", true }, { "sha256", false }, { "sha512", true }, { "sha512", false },
    };

    // FIPS 180-2 appendices B and C ("abc", the two-block messages); the 1 MiB pattern (byte i = i mod 251) from
    // coreutils sha256sum / sha512sum.
    public static TheoryData<string, string, string, bool> KnownVectors
    {
        get
        {
            var data = new TheoryData<string, string, string, bool>();
            foreach (var exportable in new[] { true, false })
            {
                data.Add("sha256", "empty", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", exportable);
                data.Add("sha256", "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", exportable);
                data.Add("sha256", "two blocks", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1", exportable);
                data.Add("sha256", "1 MiB pattern", "631b84027d6b9e52b539c4e8373622d23032dfadc64d60af87339c9037e4f769", exportable);
                data.Add("sha512", "empty", "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e", exportable);
                data.Add("sha512", "abc", "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f", exportable);
                data.Add("sha512", "two blocks", "8e959b75dae313da8cf4f72814fc143f8f7779c6eb9f7fa17299aeadb6889018501d289e4900f7e4331b99dec4b5433ac7d329eeb6dd26545e96e55b874be909", exportable);
                data.Add("sha512", "1 MiB pattern", "67dad569eefc986a3b2424f5516d5a0284bb53d7b52d75f5ed881a6830a95765ccc82bc48752fb693422579f11dc9a400561ec1885af9eeef703dbbd312d4fd0", exportable);
            }
            return data;
        }
    }

    [Theory]
    [MemberData(nameof(KnownVectors))]
    public void Known_vectors_in_one_append_and_in_small_appends(string algorithm, string input, string expected, bool exportable)
    {
        var data = Input(algorithm, input);
        using var whole = DigestHasher.Create(algorithm, exportable);
        whole.Append(data);
        Assert.Equal($"{algorithm}:{expected}", whole.GetCurrentDigest().ToString());

        using var pieces = DigestHasher.Create(algorithm, exportable);
        for (var offset = 0; offset < data.Length;)
        {
            var size = Math.Min(1 + offset % 997, data.Length - offset); // uneven sizes, across block boundaries
            pieces.Append(data.AsSpan(offset, size));
            offset += size;
        }
        Assert.Equal($"{algorithm}:{expected}", pieces.GetCurrentDigest().ToString());
        Assert.Equal(data.Length, pieces.BytesHashed);
    }

    [Theory]
    [MemberData(nameof(AlgorithmsAndBackends))]
    public void Streaming_in_chunks_equals_one_shot(string algorithm, bool exportable)
    {
        var data = new byte[1_000_003];
        new Random(42).NextBytes(data);
        using var hasher = DigestHasher.Create(algorithm, exportable);
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

    [Theory]
    [MemberData(nameof(AlgorithmsAndBackends))]
    public void GetCurrentDigest_does_not_reset_so_hashing_can_continue(string algorithm, bool exportable)
    {
        using var hasher = DigestHasher.Create(algorithm, exportable);
        hasher.Append("hello "u8);
        Assert.Equal(Digest.Compute("hello "u8, algorithm), hasher.GetCurrentDigest());
        Assert.Equal(Digest.Compute("hello "u8, algorithm), hasher.GetCurrentDigest());
        hasher.Append("world"u8);
        Assert.Equal(Digest.Compute("hello world"u8, algorithm), hasher.GetCurrentDigest());
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

    [Fact]
    public void On_linux_libcrypto_is_usable_and_Create_gives_an_exportable_hasher()
    {
        Assert.Equal(OperatingSystem.IsLinux(), DigestHasher.CanExportState);
        using var hasher = DigestHasher.Create("sha256");
        Assert.Equal(DigestHasher.CanExportState, hasher.ExportState() is not null);
    }

    [Theory]
    [InlineData("sha256")]
    [InlineData("sha512")]
    public void The_IncrementalHash_fallback_exports_no_state(string algorithm)
    {
        using var hasher = DigestHasher.Create(algorithm, exportable: false);
        hasher.Append("abc"u8);
        Assert.Null(hasher.ExportState());
    }

    [Theory]
    [MemberData(nameof(AlgorithmsAndBackends))]
    public void Dispose_twice_is_safe_and_use_after_dispose_is_ObjectDisposedException(string algorithm, bool exportable)
    {
        var hasher = DigestHasher.Create(algorithm, exportable);
        hasher.Append("abc"u8);
        hasher.Dispose();
        hasher.Dispose();
        Assert.Throws<ObjectDisposedException>(() => hasher.Append("d"u8));
        Assert.Throws<ObjectDisposedException>(() => hasher.GetCurrentDigest());
        Assert.Throws<ObjectDisposedException>(() => hasher.ExportState());
    }

    private static byte[] Input(string algorithm, string name) => name switch
    {
        "empty" => [],
        "abc" => "abc"u8.ToArray(),
        "two blocks" when algorithm == "sha256" => "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"u8.ToArray(),
        "two blocks" => "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu"u8.ToArray(),
        "1 MiB pattern" => Enumerable.Range(0, 1 << 20).Select(i => (byte)(i % 251)).ToArray(),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };
}
