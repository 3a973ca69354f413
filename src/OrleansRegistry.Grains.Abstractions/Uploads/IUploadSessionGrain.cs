namespace OrleansRegistry.Grains.Abstractions.Uploads;

/// <summary>
/// One blob upload (key: its uuid). Coordinates writers and offsets; the bytes themselves go from the HTTP
/// request straight to the blob store and never through this grain. A session is open, then finished or
/// cancelled (both answer BLOB_UPLOAD_UNKNOWN afterwards), or expires when abandoned.
/// </summary>
[Alias("IUploadSessionGrain")]
public interface IUploadSessionGrain : IGrainWithStringKey
{
    /// <summary>Opens the session for a repository (its data already created in the blob store).</summary>
    [Alias("Open")]
    Task<UploadStatus> Open(string repository);

    /// <summary>The session's status; BLOB_UPLOAD_UNKNOWN when it is not open for this repository.</summary>
    [Orleans.Concurrency.AlwaysInterleave, Alias("GetStatus")]
    Task<UploadStatus> GetStatus(string repository);

    /// <summary>
    /// Takes the writer lease for a chunk. <paramref name="start"/> (from Content-Range) must equal the committed
    /// offset, and no other writer may hold the lease: otherwise RANGE_INVALID (416, current Range).
    /// </summary>
    [Alias("BeginWrite")]
    Task<UploadLease> BeginWrite(string repository, long? start);

    /// <summary>The chunk under the lease is durably written: the committed offset moves to <paramref name="newOffset"/>.</summary>
    [Alias("CompleteWrite")]
    Task<UploadStatus> CompleteWrite(Guid leaseId, long newOffset);

    /// <summary>The writer failed or dropped: the lease is released and the offset stays where it was.</summary>
    [Alias("AbortWrite")]
    Task AbortWrite(Guid leaseId);

    /// <summary>The blob was verified and committed under the lease: the session is finished.</summary>
    [Alias("Finish")]
    Task Finish(Guid leaseId, string digest);

    /// <summary>Cancels the session and removes its data (DELETE); BLOB_UPLOAD_UNKNOWN when not open.</summary>
    [Alias("Cancel")]
    Task Cancel(string repository);

    /// <summary>Removes the session if it saw no activity since <paramref name="idleSince"/>; true when it expired.</summary>
    [Alias("ExpireIfIdle")]
    Task<bool> ExpireIfIdle(DateTimeOffset idleSince);
}
