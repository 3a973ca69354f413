using OrleansRegistry.Core;
using OrleansRegistry.Grains.Abstractions;

namespace OrleansRegistry.Grains.Abstractions.Uploads;

/// <summary>
/// One blob upload (key: its uuid) and the owner of the upload's data for its whole life: it creates the data,
/// grants the lease under which one writer at a time appends to it, commits it under its digest and deletes it when
/// the upload is cancelled or expires. The bytes go from the HTTP request straight to the blob store, never through
/// this grain. A session is open, then finished or cancelled (both answer BLOB_UPLOAD_UNKNOWN afterwards).
/// A session belongs to the identity that opened it (<c>owner</c>: the authenticated subject, null for anonymous):
/// to another owner it answers BLOB_UPLOAD_UNKNOWN, as it does for another repository. Every method that checks the
/// owner takes it without a default, so anonymous is always said (null) and never what a caller forgot.
/// </summary>
[Alias("IUploadSessionGrain")]
public interface IUploadSessionGrain : IGrainWithStringKey
{
    /// <summary>
    /// Creates the upload's (empty) data and opens the session; <paramref name="algorithm"/> is what the chunks are
    /// hashed with. <paramref name="identity"/> (the owner, or <c>anonymous@ADDRESS</c>; null: not counted) is whose
    /// concurrent sessions it counts against until it is finished, cancelled or expires (<see cref="IUploadQuotaGrain"/>):
    /// TOOMANYREQUESTS, with nothing created, when the identity is at its limit.
    /// </summary>
    [Alias("Open")]
    Task<UploadStatus> Open(RepositoryName repository, string algorithm, string? owner, string? identity);

    /// <summary>The session's status; BLOB_UPLOAD_UNKNOWN when it is not open for this repository.</summary>
    [Idempotent, Orleans.Concurrency.AlwaysInterleave, Alias("GetStatus")]
    Task<UploadStatus> GetStatus(RepositoryName repository, string? owner);

    /// <summary>
    /// Takes the writer lease for a chunk. <paramref name="start"/> (from Content-Range) must equal the committed
    /// offset, and no other writer may hold the lease: otherwise RANGE_INVALID (416, current Range).
    /// </summary>
    [Alias("BeginWrite")]
    Task<UploadLease> BeginWrite(RepositoryName repository, long? start, string? owner);

    /// <summary>
    /// The chunk under the lease is durably written: the committed offset moves to <paramref name="newOffset"/> and
    /// <paramref name="hashState"/> (the hash state at that offset, or null) and <paramref name="storeResume"/> (the
    /// blob store's resume information at that offset) are saved with it in the same write.
    /// </summary>
    [Alias("CompleteWrite")]
    Task<UploadStatus> CompleteWrite(Guid leaseId, long newOffset, byte[]? hashState, byte[]? storeResume);

    /// <summary>The writer failed or dropped: the lease is released and the offset stays where it was.</summary>
    [Idempotent, Alias("AbortWrite")]
    Task AbortWrite(Guid leaseId);

    /// <summary>
    /// The writer verified that the <paramref name="size"/> bytes of the data have <paramref name="digest"/>
    /// (<paramref name="storeResume"/>: the blob store's resume information at that size, which a last chunk written
    /// under this lease may have moved): the data becomes that blob, it is linked into the repository and the
    /// session is finished.
    /// </summary>
    [Alias("Finish")]
    Task Finish(Guid leaseId, Digest digest, long size, byte[]? storeResume);

    /// <summary>Cancels the session and removes its data (DELETE); BLOB_UPLOAD_UNKNOWN when not open.</summary>
    [Alias("Cancel")]
    Task Cancel(RepositoryName repository, string? owner);

    /// <summary>Removes the session and its data if it saw no activity since <paramref name="idleSince"/>; true when it expired.</summary>
    [Idempotent, Alias("ExpireIfIdle")]
    Task<bool> ExpireIfIdle(DateTimeOffset idleSince);
}
