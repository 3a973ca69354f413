using OrleansRegistry.Core;

namespace OrleansRegistry.Grains.Abstractions.Uploads;

/// <summary>Where an upload session stands: the repository it belongs to and how many bytes are committed.</summary>
[GenerateSerializer, Immutable, Alias("UploadStatus")]
public sealed record UploadStatus(
    [property: Id(0)] RepositoryName Repository,
    [property: Id(1)] long Offset);

/// <summary>
/// Permission to write one chunk (or to finish), held by one writer at a time, with what the writer needs to continue
/// hashing: the algorithm and the hash state saved when the committed offset was reached (null when none was saved,
/// and then the finish reads the data back once); and to continue the data: <see cref="StoreResume"/>, the blob
/// store's opaque resume information at that offset (the upload's state in the store is Offset plus StoreResume).
/// </summary>
[GenerateSerializer, Immutable, Alias("UploadLease")]
public sealed record UploadLease(
    [property: Id(0)] Guid LeaseId,
    [property: Id(1)] long Offset,
    [property: Id(2)] string Algorithm,
    [property: Id(3)] byte[]? HashState,
    [property: Id(4)] byte[]? StoreResume = null);
