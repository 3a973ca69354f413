namespace OrleansRegistry.Storage.Blobs;

/// <summary>Another writer holds the upload's data open; nothing was changed.</summary>
public sealed class UploadBusyException(string uploadId, Exception? inner = null)
    : Exception($"upload {uploadId} is being written by another writer", inner)
{
    public string UploadId { get; } = uploadId;
}
