namespace OrleansRegistry.Storage.Blobs;

/// <summary>Appends to an upload's data from the state it was opened with (<see cref="IBlobStore.OpenUploadWriterAsync"/>).</summary>
public interface IBlobUploadWriter : IAsyncDisposable
{
    /// <summary>Bytes of the upload including what this writer appended so far.</summary>
    long Size { get; }

    ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken ct = default);

    /// <summary>
    /// Makes everything written durable and returns the new state; the writer accepts nothing more
    /// (<see cref="InvalidOperationException"/>). Disposing without completing: what this writer appended is not
    /// part of the upload.
    /// </summary>
    Task<BlobUploadState> CompleteAsync(CancellationToken ct = default);
}
