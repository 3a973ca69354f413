namespace OrleansRegistry.Grains.Abstractions.Mirrors;

/// <summary>Where a mirror fetch stands.</summary>
[GenerateSerializer, Alias("BlobFetchStatus")]
public enum BlobFetchStatus
{
    /// <summary>This activation runs no fetch (it was never joined, or it is a new activation after a silo died).</summary>
    None,

    /// <summary>Bytes are arriving into upload <c>UploadId</c>; the first <c>Arrived</c> can be read from the store.</summary>
    Fetching,

    /// <summary>The blob is committed under its digest: read it as any blob.</summary>
    Committed,

    /// <summary>The fetch failed (see <c>Error</c>) and committed nothing; a new request starts a new fetch.</summary>
    Failed,
}

/// <summary>
/// A fetch's progress: the blob's <paramref name="Size"/> as the upstream announced it (-1 when it did not), the
/// upload it is written into and how many of its bytes are readable (<paramref name="Arrived"/>).
/// </summary>
[GenerateSerializer, Immutable, Alias("BlobFetchProgress")]
public sealed record BlobFetchProgress(
    [property: Id(0)] BlobFetchStatus Status,
    [property: Id(1)] long Size,
    [property: Id(2)] string? UploadId,
    [property: Id(3)] long Arrived,
    [property: Id(4)] string? Error)
{
    public static readonly BlobFetchProgress NotRunning = new(BlobFetchStatus.None, -1, null, 0, null);
}
