namespace OrleansRegistry.Storage.Blobs;

/// <summary>The upload has no data in the store (never created, deleted, or committed).</summary>
public sealed class UploadNotFoundException(string uploadId)
    : Exception($"upload {uploadId} has no data in the blob store")
{
    public string UploadId { get; } = uploadId;
}
