namespace OrleansRegistry.Storage.Blobs.S3;

/// <summary>Where and how the S3 blob store keeps its objects (configuration <c>Registry:BlobStore:S3</c>).</summary>
public sealed class S3BlobStoreOptions
{
    public const long MiB = 1 << 20;

    /// <summary>S3's smallest part of a multipart upload but the last.</summary>
    public const long MinPartSize = 5 * MiB;

    /// <summary>S3's largest part, and the largest object a single CopyObject copies.</summary>
    public const long MaxCopySize = 5L * 1024 * MiB;

    public string Bucket { get; set; } = "";

    /// <summary>The bucket's region (also the signing region of an S3-compatible <see cref="ServiceUrl"/>).</summary>
    public string Region { get; set; } = "us-east-1";

    /// <summary>An S3-compatible endpoint (MinIO, Ceph, moto); unset: AWS's endpoint of <see cref="Region"/>.</summary>
    public string? ServiceUrl { get; set; }

    /// <summary>Path-style addressing (<c>endpoint/bucket/key</c>), which most S3-compatible servers need.</summary>
    public bool ForcePathStyle { get; set; }

    /// <summary>Static credentials; unset: the SDK's default chain (environment, profile, instance or pod role).</summary>
    public string? AccessKey { get; set; }

    public string? SecretKey { get; set; }

    /// <summary>A key prefix under which the store's layout lives (several registries in one bucket).</summary>
    public string Prefix { get; set; } = "";

    /// <summary>
    /// Bytes of upload data a writer buffers before it sends them as one part (at least 5 MiB, S3's minimum): each
    /// writer holds one such buffer, and an upload has at most 10,000 parts (8 MiB: 80 GiB).
    /// </summary>
    public long PartSize { get; set; } = 8 * MiB;

    /// <summary>Above this size commit copies the data to its digest key part by part (S3 copies at most 5 GiB at once).</summary>
    public long MultipartCopyThreshold { get; set; } = MaxCopySize;

    /// <summary>The range each part of a multipart copy takes.</summary>
    public long CopyPartSize { get; set; } = 512 * MiB;

    /// <summary>Throws, saying which setting is wrong, when the options cannot work.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Bucket))
            throw new InvalidOperationException("Registry:BlobStore:S3:Bucket is not set");
        if (PartSize < MinPartSize || PartSize > Array.MaxLength)
            throw new InvalidOperationException($"Registry:BlobStore:S3:PartSize must be between {MinPartSize} and {Array.MaxLength} bytes");
        if (MultipartCopyThreshold is < 1 or > MaxCopySize)
            throw new InvalidOperationException($"Registry:BlobStore:S3:MultipartCopyThreshold must be between 1 and {MaxCopySize} bytes");
        if (CopyPartSize < MinPartSize || CopyPartSize > MaxCopySize)
            throw new InvalidOperationException($"Registry:BlobStore:S3:CopyPartSize must be between {MinPartSize} and {MaxCopySize} bytes");
        if (string.IsNullOrEmpty(AccessKey) != string.IsNullOrEmpty(SecretKey))
            throw new InvalidOperationException("Registry:BlobStore:S3:AccessKey and SecretKey go together");
    }

    /// <summary>The prefix as a key part: empty, or without a leading and with a trailing '/'.</summary>
    internal string KeyPrefix => Prefix.Trim('/') is { Length: > 0 } p ? p + "/" : "";
}
