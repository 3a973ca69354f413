namespace OrleansRegistry.Storage.Blobs;

/// <summary>
/// Content-addressed byte store: finished blobs live under their digest, in-progress upload data under the
/// upload id. Committing an upload (moving its data to its digest) is the only way a blob comes to exist.
/// Digests are passed as their canonical string form ("sha256:&lt;hex&gt;"), already validated by the caller.
/// </summary>
public interface IBlobStore
{
    /// <summary>Size of a committed blob, or null when the store does not hold it.</summary>
    Task<long?> StatAsync(string digest, CancellationToken ct = default);

    /// <summary>A seekable read stream over a committed blob, or null when absent.</summary>
    Task<Stream?> OpenReadAsync(string digest, CancellationToken ct = default);

    /// <summary>Deletes a committed blob; false when it was not there.</summary>
    Task<bool> DeleteAsync(string digest, CancellationToken ct = default);

    /// <summary>Creates the (empty) data of a new upload.</summary>
    Task CreateUploadAsync(string uploadId, CancellationToken ct = default);

    /// <summary>
    /// A write stream positioned at <paramref name="offset"/> of the upload's data. Anything stored beyond
    /// offset (the partial tail of a dropped chunk) is discarded first. One writer at a time: while a writer is open,
    /// another is refused with <see cref="UploadBusyException"/> (a writer whose lease was taken over may still be
    /// streaming, and the saved hash state would not notice its bytes). Throws <see cref="UploadNotFoundException"/>
    /// when the upload has no data.
    /// </summary>
    Task<Stream> OpenUploadWriterAsync(string uploadId, long offset, CancellationToken ct = default);

    /// <summary>Size of the upload's data, or null when there is none.</summary>
    Task<long?> StatUploadAsync(string uploadId, CancellationToken ct = default);

    /// <summary>A read stream over the first <paramref name="length"/> bytes of the upload's data (re-hash at finish).</summary>
    Task<Stream> OpenUploadReaderAsync(string uploadId, long length, CancellationToken ct = default);

    /// <summary>
    /// Makes the first <paramref name="length"/> bytes of the upload the blob <paramref name="digest"/> by an
    /// atomic rename (durably flushed first), then removes the upload. If the blob already exists the upload is
    /// simply removed. The caller has verified the digest.
    /// </summary>
    Task CommitUploadAsync(string uploadId, long length, string digest, CancellationToken ct = default);

    /// <summary>Removes an upload's data; no error when it is already gone.</summary>
    Task DeleteUploadAsync(string uploadId, CancellationToken ct = default);

    /// <summary>Ids of the uploads whose data was last written before <paramref name="olderThan"/> (for expiry sweeps).</summary>
    IAsyncEnumerable<string> ListUploadsAsync(DateTimeOffset olderThan, CancellationToken ct = default);

    /// <summary>
    /// Readiness probe: completes when the store can take writes now (for a filesystem, its directories exist or can
    /// be created and a small file can be written there); throws, saying why, when it cannot. Cheap and side-effect
    /// free: nothing it writes stays behind.
    /// </summary>
    Task CheckAsync(CancellationToken ct = default);
}

public sealed class UploadNotFoundException(string uploadId)
    : Exception($"upload {uploadId} has no data in the blob store")
{
    public string UploadId { get; } = uploadId;
}

/// <summary>Another writer holds the upload's data open; nothing was changed.</summary>
public sealed class UploadBusyException(string uploadId, Exception? inner = null)
    : Exception($"upload {uploadId} is being written by another writer", inner)
{
    public string UploadId { get; } = uploadId;
}
