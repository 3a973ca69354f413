namespace OrleansRegistry.Storage.Blobs;

/// <summary>
/// Where an upload's data stands: <paramref name="Size"/> bytes durably written, plus what the store needs to append
/// more from any silo (<paramref name="Resume"/>; S3: the multipart upload id, the parts with their ETags, the small
/// tail object; filesystem: nothing). Opaque to everyone but the store; the session grain persists it together with
/// the offset (and the hash state) in one state write.
/// </summary>
public sealed record BlobUploadState(long Size, byte[]? Resume = null);
