namespace OrleansRegistry.Grains.Abstractions.Uploads;

/// <summary>Where an upload session stands: the repository it belongs to and how many bytes are committed.</summary>
[GenerateSerializer, Immutable, Alias("UploadStatus")]
public sealed record UploadStatus(
    [property: Id(0)] string Repository,
    [property: Id(1)] long Offset);

/// <summary>Permission to write one chunk (or to finish), held by one writer at a time.</summary>
[GenerateSerializer, Immutable, Alias("UploadLease")]
public sealed record UploadLease(
    [property: Id(0)] Guid LeaseId,
    [property: Id(1)] long Offset);
