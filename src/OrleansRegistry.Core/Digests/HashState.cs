using System.Buffers.Binary;

namespace OrleansRegistry.Core;

/// <summary>
/// The saved form of a running SHA-256 / SHA-512, small enough for grain state, and independent of OpenSSL's struct
/// layout and of byte order, so any silo can continue it:
/// <code>
/// [0]       format version, 1
/// [1]       algorithm: 1 sha256, 2 sha512 (ShaLayout.StateId)
/// [2, 10)   bytes hashed so far, unsigned 64-bit big-endian (at most ShaLayout.MaxMessageBytes)
/// [10, +D)  the intermediate hash value H(i) (FIPS 180-4 6.2.2 / 6.4.2): 8 words big-endian, D = 32 or 64 bytes
/// [.., end) the incomplete block: exactly (bytes hashed mod block size) bytes
/// </code>
/// The length is fixed by the header, so a truncated or padded state is refused; the bit counters are not stored
/// but derived from the byte count, so they cannot disagree with it. At most 201 bytes.
/// </summary>
internal static class HashState
{
    public const byte Version = 1;
    private const int HeaderSize = 10;

    public static int SizeOf(ShaLayout layout, long bytesHashed) =>
        HeaderSize + layout.DigestSize + (int)(bytesHashed % layout.BlockSize);

    public static byte[] Write(ShaLayout layout, long bytesHashed, ReadOnlySpan<byte> words, ReadOnlySpan<byte> pending)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytesHashed);
        if (words.Length != layout.DigestSize || pending.Length != bytesHashed % layout.BlockSize)
            throw new ArgumentException("hash state parts do not match the byte count");
        var state = new byte[SizeOf(layout, bytesHashed)];
        state[0] = Version;
        state[1] = layout.StateId;
        BinaryPrimitives.WriteUInt64BigEndian(state.AsSpan(2), (ulong)bytesHashed);
        words.CopyTo(state.AsSpan(HeaderSize));
        pending.CopyTo(state.AsSpan(HeaderSize + layout.DigestSize));
        return state;
    }

    /// <summary>False for anything but a well-formed version-1 state: no exception for any input.</summary>
    public static bool TryRead(
        ReadOnlySpan<byte> state,
        [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ShaLayout? layout,
        out long bytesHashed,
        out ReadOnlySpan<byte> words,
        out ReadOnlySpan<byte> pending)
    {
        layout = null;
        bytesHashed = 0;
        words = pending = default;
        if (state.Length < HeaderSize || state[0] != Version || ShaLayout.Find(state[1]) is not { } found)
            return false;
        var count = BinaryPrimitives.ReadUInt64BigEndian(state[2..]);
        if (count > (ulong)found.MaxMessageBytes || state.Length != SizeOf(found, (long)count))
            return false;
        layout = found;
        bytesHashed = (long)count;
        words = state.Slice(HeaderSize, found.DigestSize);
        pending = state[(HeaderSize + found.DigestSize)..];
        return true;
    }
}
