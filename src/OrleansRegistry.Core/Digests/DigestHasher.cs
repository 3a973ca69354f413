using System.Security.Cryptography;

namespace OrleansRegistry.Core;

/// <summary>Hashes content while it streams, so an upload's digest is known when its last byte is written, with no re-read.</summary>
public sealed class DigestHasher : IDisposable
{
    private readonly IncrementalHash _hash;

    private DigestHasher(string algorithm, IncrementalHash hash)
    {
        Algorithm = algorithm;
        _hash = hash;
    }

    /// <summary>"sha256" or "sha512"; anything else is a DIGEST_INVALID failure.</summary>
    public static DigestHasher Create(string algorithm) => algorithm switch
    {
        Digest.Sha256 => new DigestHasher(algorithm, IncrementalHash.CreateHash(HashAlgorithmName.SHA256)),
        Digest.Sha512 => new DigestHasher(algorithm, IncrementalHash.CreateHash(HashAlgorithmName.SHA512)),
        _ => throw new RegistryException(ErrorCatalog.DigestInvalid, "unsupported digest algorithm", new { algorithm }),
    };

    public string Algorithm { get; }

    public long BytesHashed { get; private set; }

    public void Append(ReadOnlySpan<byte> data)
    {
        _hash.AppendData(data);
        BytesHashed += data.Length;
    }

    /// <summary>The digest of everything appended so far; hashing may continue afterwards.</summary>
    public Digest GetCurrentDigest()
    {
        Span<byte> hash = stackalloc byte[SHA512.HashSizeInBytes];
        var length = _hash.GetCurrentHash(hash);
        return new Digest(Algorithm, Convert.ToHexStringLower(hash[..length]));
    }

    // TEMPORARY until the libcrypto hash state lands (branch hasher): no state is exportable yet.
    public byte[]? ExportState() => null;

    public static bool TryResume(byte[] state, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out DigestHasher? hasher)
    {
        hasher = null;
        return false;
    }

    public void Dispose() => _hash.Dispose();
}
