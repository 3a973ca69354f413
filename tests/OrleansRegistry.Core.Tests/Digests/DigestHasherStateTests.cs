using System.Buffers.Binary;
using System.Security.Cryptography;
using OrleansRegistry.TestSupport;

namespace OrleansRegistry.Core.Tests.Digests;

// An upload's chunks may land on different silos: after each chunk the hash state is saved (ExportState) and the next
// chunk continues it (TryResume) without re-reading, and must end with the digest of the whole blob
// (image-spec descriptor.md "Digests", "Verification"). Block sizes: SHA-256 64 bytes, SHA-512 128 bytes.
public sealed class DigestHasherStateTests
{
    private static readonly int[] BoundarySplits = [0, 1, 55, 56, 63, 64, 65, 111, 112, 113, 127, 128, 129, 191, 192, 255, 256, 257, 1000];

    public static TheoryData<string> Algorithms => new() { "sha256", "sha512" };

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void Resuming_at_any_split_point_gives_the_one_shot_digest(string algorithm)
    {
        var data = TestData.RandomBytes(3_001, seed: 7);
        var expected = Digest.Compute(data, algorithm);
        var random = new Random(11);
        var splits = BoundarySplits.Concat([data.Length - 1, data.Length]).Concat(Enumerable.Range(0, 40).Select(_ => random.Next(data.Length + 1)));
        foreach (var split in splits)
        {
            byte[] state;
            using (var first = DigestHasher.Create(algorithm))
            {
                first.Append(data.AsSpan(0, split));
                state = first.ExportState()!;
            }
            Assert.Equal(10 + Layout(algorithm).DigestSize + split % Layout(algorithm).BlockSize, state.Length);

            Assert.True(DigestHasher.TryResume(state, out var second), $"split {split}");
            using (second)
            {
                Assert.Equal(algorithm, second.Algorithm);
                Assert.Equal(split, second.BytesHashed);
                second.Append(data.AsSpan(split));
                Assert.Equal(expected, second.GetCurrentDigest());
                Assert.Equal(data.Length, second.BytesHashed);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void A_chain_of_chunks_each_resumed_from_the_previous_state_gives_the_one_shot_digest(string algorithm)
    {
        var data = TestData.RandomBytes((1 << 20) + 17, seed: 3);
        var random = new Random(5);
        var state = EmptyState(algorithm);
        var offset = 0;
        for (var chunks = 0; offset < data.Length && chunks < 1_000; chunks++)
        {
            var size = Math.Min(random.Next(0, 70_000), data.Length - offset);
            Assert.True(DigestHasher.TryResume(state, out var hasher));
            using (hasher)
            {
                hasher.Append(data.AsSpan(offset, size));
                state = hasher.ExportState()!;
            }
            offset += size;
        }
        Assert.Equal(data.Length, offset);
        Assert.True(DigestHasher.TryResume(state, out var last));
        using (last)
            Assert.Equal(Digest.Compute(data, algorithm), last.GetCurrentDigest());
    }

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void Export_resume_export_gives_the_same_bytes(string algorithm)
    {
        var data = TestData.RandomBytes(1_000, seed: 9);
        foreach (var split in BoundarySplits)
        {
            using var hasher = DigestHasher.Create(algorithm);
            hasher.Append(data.AsSpan(0, split));
            var state = hasher.ExportState()!;
            Assert.True(DigestHasher.TryResume(state, out var resumed));
            using (resumed)
                Assert.Equal(state, resumed.ExportState());
        }
    }

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void GetCurrentDigest_disturbs_neither_the_state_nor_further_appends(string algorithm)
    {
        var data = TestData.RandomBytes(300, seed: 13);
        using var hasher = DigestHasher.Create(algorithm);
        hasher.Append(data.AsSpan(0, 129));
        var before = hasher.ExportState();
        Assert.Equal(Digest.Compute(data.AsSpan(0, 129), algorithm), hasher.GetCurrentDigest());
        Assert.Equal(before, hasher.ExportState());
        hasher.Append(data.AsSpan(129));
        Assert.Equal(Digest.Compute(data, algorithm), hasher.GetCurrentDigest());
    }

    // The stored form is a contract with states already saved in grain state: version 1, algorithm id, count,
    // H(i) big-endian (still the initial hash value of FIPS 180-4 5.3.3 / 5.3.5 before a block completes), pending bytes.
    [Theory]
    [InlineData("sha256", "0101" + "0000000000000003"
        + "6a09e667bb67ae853c6ef372a54ff53a510e527f9b05688c1f83d9ab5be0cd19" + "616263")]
    [InlineData("sha512", "0102" + "0000000000000003"
        + "6a09e667f3bcc908bb67ae8584caa73b3c6ef372fe94f82ba54ff53a5f1d36f1510e527fade682d19b05688c2b3e6c1f1f83d9abfb41bd6b5be0cd19137e2179"
        + "616263")]
    public void A_saved_state_has_the_documented_version_1_layout(string algorithm, string stateHex)
    {
        using var hasher = DigestHasher.Create(algorithm);
        hasher.Append("abc"u8);
        Assert.Equal(stateHex, Convert.ToHexStringLower(hasher.ExportState()!));

        Assert.True(DigestHasher.TryResume(Convert.FromHexString(stateHex), out var resumed));
        using (resumed)
            Assert.Equal(Digest.Compute("abc"u8, algorithm), resumed.GetCurrentDigest());
    }

    // SHA-256 keeps the bit count in two 32-bit words; the low one wraps at 2^29 bytes (512 MiB).
    [Fact]
    public void A_sha256_state_past_512_MiB_carries_the_high_bit_count_word()
    {
        var chunk = TestData.RandomBytes(1 << 20, seed: 17);
        using var reference = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var first = DigestHasher.Create("sha256");
        for (var i = 0; i < 512; i++)
        {
            first.Append(chunk);
            reference.AppendData(chunk);
        }
        first.Append(chunk.AsSpan(0, 100));
        reference.AppendData(chunk.AsSpan(0, 100));
        var state = first.ExportState()!;
        Assert.Equal((512L << 20) + 100, (long)BinaryPrimitives.ReadUInt64BigEndian(state.AsSpan(2)));

        Assert.True(DigestHasher.TryResume(state, out var second));
        using (second)
        {
            Assert.Equal((512L << 20) + 100, second.BytesHashed);
            second.Append(chunk.AsSpan(0, 1_000));
            reference.AppendData(chunk.AsSpan(0, 1_000));
            Assert.Equal(Convert.ToHexStringLower(reference.GetHashAndReset()), second.GetCurrentDigest().Encoded);
        }
    }

    public static TheoryData<string, string> Corruptions
    {
        get
        {
            var data = new TheoryData<string, string>();
            foreach (var algorithm in new[] { "sha256", "sha512" })
                foreach (var name in new[] { "empty", "header only", "truncated by one", "one byte too many", "version 0", "version 2", "version 255",
                             "algorithm 0", "algorithm 3", "other algorithm", "count one more", "count one less", "count above long", "count above sha256 limit" })
                    data.Add(algorithm, name);
            return data;
        }
    }

    [Theory]
    [MemberData(nameof(Corruptions))]
    public void A_state_it_cannot_use_is_refused_without_an_exception(string algorithm, string corruption)
    {
        var valid = StateAfter(algorithm, 100);
        var state = Corrupt(valid, corruption);
        Assert.NotEqual(valid, state);
        Assert.False(DigestHasher.TryResume(state, out var hasher));
        Assert.Null(hasher);
    }

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void Every_truncation_of_a_state_is_refused(string algorithm)
    {
        var valid = StateAfter(algorithm, 200);
        for (var length = 0; length < valid.Length; length++)
            Assert.False(DigestHasher.TryResume(valid.AsSpan(0, length), out _), $"length {length}");
    }

    // The hash words carry no check value: a flipped bit is not detected here, but yields another digest, which the
    // upload's digest comparison then refuses.
    [Theory]
    [MemberData(nameof(Algorithms))]
    public void A_flipped_bit_in_the_hash_words_changes_the_digest(string algorithm)
    {
        var state = StateAfter(algorithm, 100);
        state[10] ^= 1;
        Assert.True(DigestHasher.TryResume(state, out var hasher));
        using (hasher)
            Assert.NotEqual(Digest.Compute(TestData.RandomBytes(100, seed: 21), algorithm), hasher.GetCurrentDigest());
    }

    private static byte[] Corrupt(byte[] valid, string corruption)
    {
        var state = (byte[])valid.Clone();
        var count = BinaryPrimitives.ReadUInt64BigEndian(state.AsSpan(2));
        switch (corruption)
        {
            case "empty": return [];
            case "header only": return state[..10];
            case "truncated by one": return state[..^1];
            case "one byte too many": return [.. state, 0];
            case "version 0": state[0] = 0; break;
            case "version 2": state[0] = 2; break;
            case "version 255": state[0] = 255; break;
            case "algorithm 0": state[1] = 0; break;
            case "algorithm 3": state[1] = 3; break;
            case "other algorithm": state[1] = (byte)(3 - state[1]); break;
            case "count one more": BinaryPrimitives.WriteUInt64BigEndian(state.AsSpan(2), count + 1); break;
            case "count one less": BinaryPrimitives.WriteUInt64BigEndian(state.AsSpan(2), count - 1); break;
            // the same count modulo both block sizes, so only the range check can refuse them
            case "count above long": BinaryPrimitives.WriteUInt64BigEndian(state.AsSpan(2), count | (1UL << 63)); break;
            case "count above sha256 limit":
                state[1] = 1;
                state = state[..(10 + 32 + (int)(count % 64))];
                BinaryPrimitives.WriteUInt64BigEndian(state.AsSpan(2), count | (1UL << 61));
                break;
            default: throw new ArgumentOutOfRangeException(nameof(corruption));
        }
        return state;
    }

    private static byte[] StateAfter(string algorithm, int length)
    {
        using var hasher = DigestHasher.Create(algorithm);
        hasher.Append(TestData.RandomBytes(length, seed: 21));
        return hasher.ExportState()!;
    }

    private static byte[] EmptyState(string algorithm)
    {
        using var hasher = DigestHasher.Create(algorithm);
        return hasher.ExportState()!;
    }

    private static ShaLayout Layout(string algorithm) => ShaLayout.Find(algorithm)!;
}
