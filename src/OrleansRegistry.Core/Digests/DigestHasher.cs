using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;

namespace OrleansRegistry.Core;

/// <summary>
/// Hashes content while it streams, so an upload's digest is known when its last byte is written, with no re-read.
/// Where libcrypto allows (<see cref="CanExportState"/>), the running state can be saved after a chunk and resumed
/// by the next chunk on any silo; otherwise IncrementalHash, whose state cannot leave the process. Not thread-safe.
/// </summary>
public sealed class DigestHasher : IDisposable
{
    // Exactly one is set.
    private readonly ShaContext? _exportable;
    private readonly IncrementalHash? _incremental;
    private bool _disposed;

    private DigestHasher(string algorithm, ShaContext? exportable, IncrementalHash? incremental, long bytesHashed)
    {
        Algorithm = algorithm;
        _exportable = exportable;
        _incremental = incremental;
        BytesHashed = bytesHashed;
    }

    /// <summary>True when hashers export their state (Linux with libcrypto.so.3, whose contexts pass a self-test).</summary>
    public static bool CanExportState => ShaContext.IsAvailable;

    /// <summary>"sha256" or "sha512"; anything else is a DIGEST_INVALID failure.</summary>
    public static DigestHasher Create(string algorithm) => Create(algorithm, CanExportState);

    /// <summary><paramref name="exportable"/> false forces IncrementalHash (tests of the fallback).</summary>
    internal static DigestHasher Create(string algorithm, bool exportable)
    {
        var layout = ShaLayout.Find(algorithm)
            ?? throw new RegistryException(ErrorCatalog.DigestInvalid, "unsupported digest algorithm", new { algorithm });
        if (exportable && !CanExportState)
            throw new PlatformNotSupportedException("libcrypto.so.3 is not usable here; the hash state cannot be exported");
        return exportable
            ? new DigestHasher(algorithm, new ShaContext(layout), null, 0)
            : new DigestHasher(algorithm, null, IncrementalHash.CreateHash(layout == ShaLayout.Sha256 ? HashAlgorithmName.SHA256 : HashAlgorithmName.SHA512), 0);
    }

    /// <summary>
    /// Continues a hash from <see cref="ExportState"/>, on this process or another. False, with no exception, for a
    /// state it cannot use (other format version or algorithm, wrong length, libcrypto unusable here): the caller
    /// then re-reads the data hashed so far.
    /// </summary>
    public static bool TryResume(ReadOnlySpan<byte> state, [NotNullWhen(true)] out DigestHasher? hasher)
    {
        hasher = CanExportState && ShaContext.TryRestore(state) is { } context
            ? new DigestHasher(context.Layout.Algorithm, context, null, context.BytesHashed)
            : null;
        return hasher is not null;
    }

    public string Algorithm { get; }

    public long BytesHashed { get; private set; }

    public void Append(ReadOnlySpan<byte> data)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_exportable is not null)
            _exportable.Update(data);
        else
            _incremental!.AppendData(data);
        BytesHashed += data.Length;
    }

    /// <summary>The digest of everything appended so far; hashing may continue afterwards.</summary>
    public Digest GetCurrentDigest()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        Span<byte> hash = stackalloc byte[SHA512.HashSizeInBytes];
        var length = _exportable?.GetCurrentHash(hash) ?? _incremental!.GetCurrentHash(hash);
        return new Digest(Algorithm, Convert.ToHexStringLower(hash[..length]));
    }

    /// <summary>
    /// The running state as a small versioned blob (at most 201 bytes, see HashState) to keep in grain state and
    /// pass to <see cref="TryResume"/>; null when this hasher cannot export (<see cref="CanExportState"/> false).
    /// </summary>
    public byte[]? ExportState()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _exportable?.ExportState();
    }

    public void Dispose()
    {
        _disposed = true;
        _incremental?.Dispose();
        _exportable?.Clear();
    }
}
