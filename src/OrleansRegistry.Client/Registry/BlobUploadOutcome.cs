namespace OrleansRegistry.Client.Registry;

/// <summary>What <see cref="IBlobClient.UploadAsync"/> had to do.</summary>
public enum BlobUploadOutcome
{
    /// <summary>The repository already had the blob (HEAD found it); nothing was sent.</summary>
    Existed,
    /// <summary>The blob was sent in one monolithic request.</summary>
    UploadedMonolithic,
    /// <summary>The blob was sent through an upload session in <c>PATCH</c> chunks.</summary>
    UploadedChunked,
}
