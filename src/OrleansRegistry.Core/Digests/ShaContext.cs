using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace OrleansRegistry.Core;

/// <summary>
/// A running SHA-256 or SHA-512 in OpenSSL's low-level context, whose bytes this object owns, so the state can be
/// exported as a <see cref="HashState"/> and restored on another silo. Not thread-safe, like IncrementalHash.
/// </summary>
internal sealed unsafe class ShaContext
{
    // The context holds no pointers and OpenSSL keeps none to it between calls, so an ordinary array pinned for
    // each call suffices: there is no native memory to leak, free twice or use after free.
    private readonly byte[] _ctx;

    public ShaContext(ShaLayout layout)
    {
        Layout = layout;
        _ctx = new byte[layout.ContextSize];
        fixed (byte* c = _ctx)
            Check(layout == ShaLayout.Sha256 ? LibCrypto.SHA256_Init(c) : LibCrypto.SHA512_Init(c));
    }

    /// <summary>True when libcrypto.so.3 loads and its contexts have the layout <see cref="ShaLayout"/> describes.</summary>
    public static bool IsAvailable => Probe.Passed;

    public ShaLayout Layout { get; }

    /// <summary>The message length so far, from OpenSSL's bit counters Nh:Nl.</summary>
    public long BytesHashed
    {
        get
        {
            var bits = ((UInt128)ReadWord(Layout.LengthHighOffset) << (8 * Layout.WordSize)) | ReadWord(Layout.LengthLowOffset);
            return (long)(ulong)(bits >> 3);
        }
    }

    private int PendingCount => (int)MemoryMarshal.Read<uint>(_ctx.AsSpan(Layout.NumOffset));

    private int MdLen => (int)MemoryMarshal.Read<uint>(_ctx.AsSpan(Layout.MdLenOffset));

    public void Update(ReadOnlySpan<byte> data)
    {
        fixed (byte* c = _ctx)
        fixed (byte* d = data)
        {
            Check(Layout == ShaLayout.Sha256
                ? LibCrypto.SHA256_Update(c, d, (nuint)data.Length)
                : LibCrypto.SHA512_Update(c, d, (nuint)data.Length));
        }
    }

    /// <summary>Finalises a copy of the context, so hashing can continue; returns the digest length written.</summary>
    public int GetCurrentHash(Span<byte> destination)
    {
        if (destination.Length < Layout.DigestSize)
            throw new ArgumentException("destination too small for the digest", nameof(destination));
        var copy = stackalloc byte[ShaLayout.MaxContextSize];
        _ctx.CopyTo(new Span<byte>(copy, _ctx.Length));
        fixed (byte* md = destination)
            Check(Layout == ShaLayout.Sha256 ? LibCrypto.SHA256_Final(md, copy) : LibCrypto.SHA512_Final(md, copy));
        return Layout.DigestSize;
    }

    public byte[] ExportState()
    {
        Span<byte> words = stackalloc byte[Layout.DigestSize];
        for (var i = 0; i < 8; i++)
            WriteBigEndian(words.Slice(i * Layout.WordSize, Layout.WordSize), ReadWord(i * Layout.WordSize));
        var pending = _ctx.AsSpan(Layout.BlockOffset, PendingCount);
        return HashState.Write(Layout, BytesHashed, words, pending);
    }

    /// <summary>Null for a state <see cref="HashState.TryRead"/> refuses; never throws for any input.</summary>
    public static ShaContext? TryRestore(ReadOnlySpan<byte> state)
    {
        if (!HashState.TryRead(state, out var layout, out var bytesHashed, out var words, out var pending))
            return null;
        var context = new ShaContext(layout); // Init sets md_len; the rest is overwritten
        for (var i = 0; i < 8; i++)
            context.WriteWord(i * layout.WordSize, ReadBigEndian(words.Slice(i * layout.WordSize, layout.WordSize)));
        var bits = (UInt128)(ulong)bytesHashed << 3;
        context.WriteWord(layout.LengthLowOffset, (ulong)bits); // truncated to the word size
        context.WriteWord(layout.LengthHighOffset, (ulong)(bits >> (8 * layout.WordSize)));
        // num indexes the block buffer unchecked inside OpenSSL; HashState guarantees pending < block size.
        pending.CopyTo(context._ctx.AsSpan(layout.BlockOffset));
        MemoryMarshal.Write(context._ctx.AsSpan(layout.NumOffset), (uint)pending.Length);
        return context;
    }

    /// <summary>Forgets the state; later calls hash from zeroes but never touch memory outside the array.</summary>
    public void Clear() => CryptographicOperations.ZeroMemory(_ctx);

    private ulong ReadWord(int offset) => Layout.WordSize == 4
        ? MemoryMarshal.Read<uint>(_ctx.AsSpan(offset))
        : MemoryMarshal.Read<ulong>(_ctx.AsSpan(offset));

    private void WriteWord(int offset, ulong value)
    {
        if (Layout.WordSize == 4)
            MemoryMarshal.Write(_ctx.AsSpan(offset), (uint)value);
        else
            MemoryMarshal.Write(_ctx.AsSpan(offset), value);
    }

    private static ulong ReadBigEndian(ReadOnlySpan<byte> word) =>
        word.Length == 4 ? BinaryPrimitives.ReadUInt32BigEndian(word) : BinaryPrimitives.ReadUInt64BigEndian(word);

    private static void WriteBigEndian(Span<byte> word, ulong value)
    {
        if (word.Length == 4)
            BinaryPrimitives.WriteUInt32BigEndian(word, (uint)value);
        else
            BinaryPrimitives.WriteUInt64BigEndian(word, value);
    }

    private static void Check(int result)
    {
        if (result != 1)
            throw new CryptographicException("libcrypto SHA-2 call failed");
    }

    /// <summary>
    /// Run once: the layouts are LP64 Linux, and a libcrypto whose contexts differ must not be trusted, so the
    /// initial words, md_len, counters and block buffer are checked where <see cref="ShaLayout"/> says, and "abc"
    /// (FIPS 180-2 appendix B.1 / C.1) must hash as .NET hashes it.
    /// </summary>
    private static class Probe
    {
        public static readonly bool Passed = Run();

        private static bool Run()
        {
            if (!OperatingSystem.IsLinux() || !Environment.Is64BitProcess)
                return false;
            try
            {
                return Matches(ShaLayout.Sha256, 0x6a09e667UL) && Matches(ShaLayout.Sha512, 0x6a09e667f3bcc908UL);
            }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException or CryptographicException)
            {
                return false;
            }
        }

        private static bool Matches(ShaLayout layout, ulong firstInitialWord)
        {
            var context = new ShaContext(layout);
            if (context.ReadWord(0) != firstInitialWord || context.MdLen != layout.DigestSize || context.PendingCount != 0 || context.BytesHashed != 0)
                return false;
            context.Update("abc"u8);
            if (context.BytesHashed != 3 || context.PendingCount != 3 || !context._ctx.AsSpan(layout.BlockOffset, 3).SequenceEqual("abc"u8))
                return false;
            Span<byte> expected = stackalloc byte[layout.DigestSize];
            Span<byte> actual = stackalloc byte[layout.DigestSize];
            _ = layout == ShaLayout.Sha256 ? SHA256.HashData("abc"u8, expected) : SHA512.HashData("abc"u8, expected);
            context.GetCurrentHash(actual);
            return actual.SequenceEqual(expected);
        }
    }
}
