namespace OrleansRegistry.Core;

/// <summary>
/// OpenSSL's SHA256_CTX and SHA512_CTX on 64-bit Linux (openssl/sha.h of OpenSSL 3.0; sizes and offsets checked with
/// offsetof on Debian 12, and again at run time by <see cref="ShaContext.IsAvailable"/>):
/// <code>
/// SHA256_CTX { uint  h[8]; uint  Nl, Nh; uint data[16];                       uint num, md_len; }  112 bytes
/// SHA512_CTX { ulong h[8]; ulong Nl, Nh; union { ulong d[16]; byte p[128]; } u; uint num, md_len; }  216 bytes
/// </code>
/// h is the intermediate hash value H(i) of FIPS 180-4 in native-endian words; Nh:Nl the message length in bits;
/// the block buffer holds the <c>num</c> bytes of the incomplete block; md_len the digest length Final writes.
/// Both are the same shape with a word of 4 or 8 bytes, so every offset follows from the word size.
/// </summary>
internal sealed class ShaLayout
{
    public static readonly ShaLayout Sha256 = new(Digest.Sha256, stateId: 1, wordSize: 4);
    public static readonly ShaLayout Sha512 = new(Digest.Sha512, stateId: 2, wordSize: 8);

    /// <summary>The larger context, for a stack copy of either.</summary>
    public const int MaxContextSize = 216;

    private ShaLayout(string algorithm, byte stateId, int wordSize)
    {
        Algorithm = algorithm;
        StateId = stateId;
        WordSize = wordSize;
    }

    public static ShaLayout? Find(string algorithm) => algorithm switch
    {
        Digest.Sha256 => Sha256,
        Digest.Sha512 => Sha512,
        _ => null,
    };

    public static ShaLayout? Find(byte stateId) => stateId == Sha256.StateId ? Sha256 : stateId == Sha512.StateId ? Sha512 : null;

    public string Algorithm { get; }

    /// <summary>The algorithm's number in a saved <see cref="HashState"/>.</summary>
    public byte StateId { get; }

    public int WordSize { get; }

    /// <summary>Eight words of H(i): also the digest length, since the digest is H(N) written out big-endian.</summary>
    public int DigestSize => 8 * WordSize;

    public int BlockSize => 16 * WordSize;

    /// <summary>The longest message the algorithm defines: under 2^64 bits for SHA-256; SHA-512's 2^128 exceeds a long.</summary>
    public long MaxMessageBytes => WordSize == 4 ? (1L << 61) - 1 : long.MaxValue;

    public int LengthLowOffset => 8 * WordSize;

    public int LengthHighOffset => 9 * WordSize;

    public int BlockOffset => 10 * WordSize;

    public int NumOffset => BlockOffset + BlockSize;

    public int MdLenOffset => NumOffset + sizeof(uint);

    public int ContextSize => MdLenOffset + sizeof(uint);
}
