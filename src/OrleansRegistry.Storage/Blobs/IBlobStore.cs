using OrleansRegistry.Core;

namespace OrleansRegistry.Storage.Blobs;

/// <summary>
/// Content-addressed byte store: finished blobs live under their digest, in-progress upload data under the
/// upload id (where, for every store: <see cref="BlobStoreLayout"/>). Committing an upload (moving its data to its
/// digest) is the only way a blob comes to exist. Digests come parsed (<see cref="Digest"/>), already
/// validated by the caller. The contract asks only what both a filesystem and an
/// object store can do: ranged reads, append-only upload writers resumed from a state the caller persists (so any
/// silo can continue an upload), and commit as the store's own move.
/// </summary>
public interface IBlobStore
{
    /// <summary>Size of a committed blob, or null when the store does not hold it.</summary>
    Task<long?> StatAsync(Digest digest, CancellationToken ct = default);

    /// <summary>
    /// A forward-only read stream over bytes [<paramref name="offset"/>, offset + <paramref name="length"/>) of a
    /// committed blob (length null: to the end), or null when absent. An offset or length beyond the blob throws
    /// <see cref="ArgumentOutOfRangeException"/> (callers check the size first).
    /// </summary>
    Task<Stream?> OpenReadAsync(Digest digest, long offset = 0, long? length = null, CancellationToken ct = default);

    /// <summary>Deletes a committed blob; false when it was not there.</summary>
    Task<bool> DeleteAsync(Digest digest, CancellationToken ct = default);

    /// <summary>Starts the data of a new upload; returns its state at size 0 (persisted by the session grain).</summary>
    Task<BlobUploadState> CreateUploadAsync(string uploadId, CancellationToken ct = default);

    /// <summary>
    /// An append-only writer continuing the upload from <paramref name="state"/>: whatever an earlier writer wrote
    /// beyond state.Size without completing (a dropped chunk), or completed into a state the caller then failed to
    /// persist, is not part of the upload. One writer at a time where the store can tell (filesystem: flock; a writer
    /// whose lease was taken over may still be streaming): a second one gets <see cref="UploadBusyException"/>.
    /// Throws <see cref="UploadNotFoundException"/> when the upload has no data.
    /// </summary>
    Task<IBlobUploadWriter> OpenUploadWriterAsync(string uploadId, BlobUploadState state, CancellationToken ct = default);

    /// <summary>A read stream over the state.Size bytes of the upload (re-hash at finish when no saved hash state matched).</summary>
    Task<Stream> OpenUploadReaderAsync(string uploadId, BlobUploadState state, CancellationToken ct = default);

    /// <summary>
    /// Whether <see cref="OpenUploadRangeAsync"/> can read the completed bytes of an upload that a writer is still
    /// appending to (filesystem: yes; S3: no, the parts of an unfinished multipart upload cannot be read), which a
    /// mirror fetch needs to stream a blob to its readers as it arrives.
    /// </summary>
    bool ReadsUnfinishedUploads { get; }

    /// <summary>
    /// A read stream over bytes [<paramref name="offset"/>, offset + <paramref name="length"/>) of an upload's data,
    /// of which a writer has completed at least offset + length bytes (<see cref="IBlobUploadWriter.CompleteAsync"/>),
    /// while a later writer may be appending: the reader does not count as a writer. Only where
    /// <see cref="ReadsUnfinishedUploads"/> (else <see cref="NotSupportedException"/>). Throws
    /// <see cref="UploadNotFoundException"/> when the data is gone (committed or deleted); a stream opened before the
    /// commit still reads its bytes.
    /// </summary>
    Task<Stream> OpenUploadRangeAsync(string uploadId, long offset, long length, CancellationToken ct = default);

    /// <summary>
    /// Makes the upload's state.Size bytes the blob <paramref name="digest"/> as the store's own move (filesystem:
    /// an atomic rename, durably flushed first; S3: complete the multipart upload, then a server-side copy), then
    /// removes the upload's data. If the blob already exists the upload's data is simply removed. The caller has
    /// verified the digest.
    /// </summary>
    Task CommitUploadAsync(string uploadId, BlobUploadState state, Digest digest, CancellationToken ct = default);

    /// <summary>
    /// Removes an upload's data (S3: aborts its multipart upload, deletes its objects); <paramref name="state"/> null
    /// when unknown (data found by <see cref="ListUploadsAsync"/> with no session). No error when already gone.
    /// </summary>
    Task DeleteUploadAsync(string uploadId, BlobUploadState? state, CancellationToken ct = default);

    /// <summary>Ids of uploads whose data was last written (S3: initiated) before <paramref name="olderThan"/> (expiry sweep).</summary>
    IAsyncEnumerable<string> ListUploadsAsync(DateTimeOffset olderThan, CancellationToken ct = default);

    /// <summary>
    /// Readiness probe: completes when the store can take writes now (for a filesystem, its directories exist or can
    /// be created and a small file can be written there); throws, saying why, when it cannot. Cheap and side-effect
    /// free: nothing it writes stays behind.
    /// </summary>
    Task CheckAsync(CancellationToken ct = default);
}
