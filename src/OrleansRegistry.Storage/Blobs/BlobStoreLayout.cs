using OrleansRegistry.Core;

namespace OrleansRegistry.Storage.Blobs;

/// <summary>
/// The storage layout of every blob store, as '/'-separated keys:
/// <list type="bullet">
/// <item><c>blobs/&lt;algorithm&gt;/&lt;first two of encoded&gt;/&lt;encoded&gt;</c>: a committed blob, named by its
/// digest (e.g. <c>blobs/sha256/ab/abcd…</c>); the two-character fan-out keeps directories and key listings small.</item>
/// <item><c>uploads/&lt;uploadId&gt;/</c>: everything of one upload in progress, removed by its commit or deletion;
/// <c>uploads/&lt;uploadId&gt;/data</c> holds its bytes (filesystem: one file appended to; S3: the key of its
/// multipart upload; other objects of the upload live under the same prefix).</item>
/// </list>
/// The filesystem store maps a key to <c>&lt;root&gt;/&lt;key&gt;</c> (both trees on one filesystem: commit is a
/// rename); the S3 store uses the key under the optional <c>Registry:BlobStore:S3:Prefix</c>. Digests and upload ids
/// are checked by <see cref="BlobStoreKeys"/>, so that no input names anything outside these trees.
/// </summary>
public static class BlobStoreLayout
{
    /// <summary>The key prefix of all committed blobs.</summary>
    public const string BlobsPrefix = "blobs/";

    /// <summary>The key prefix of all uploads in progress.</summary>
    public const string UploadsPrefix = "uploads/";

    /// <summary>The name, under an upload's prefix, of its data.</summary>
    public const string UploadDataName = "data";

    /// <summary><c>blobs/&lt;algorithm&gt;/&lt;first two of encoded&gt;/&lt;encoded&gt;</c>.</summary>
    public static string BlobKey(Digest digest)
    {
        BlobStoreKeys.CheckDigest(digest);
        return $"{BlobsPrefix}{digest.Algorithm}/{digest.Encoded[..2]}/{digest.Encoded}";
    }

    /// <summary><c>uploads/&lt;uploadId&gt;/</c>.</summary>
    public static string UploadPrefix(string uploadId)
    {
        BlobStoreKeys.CheckUploadId(uploadId);
        return $"{UploadsPrefix}{uploadId}/";
    }

    /// <summary><c>uploads/&lt;uploadId&gt;/data</c>.</summary>
    public static string UploadDataKey(string uploadId) => UploadPrefix(uploadId) + UploadDataName;
}
