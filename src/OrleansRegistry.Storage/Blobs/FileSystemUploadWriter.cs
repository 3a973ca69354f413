namespace OrleansRegistry.Storage.Blobs;

/// <summary>
/// Appends to an upload's data file, which it holds open (and flock'd) until completed or disposed. A file needs
/// no resume information: the state is just the size, and the next writer truncates whatever lies beyond it.
/// </summary>
internal sealed class FileSystemUploadWriter(string uploadId, Stream data, long size) : IBlobUploadWriter
{
    private Stream? _data = data;
    private bool _failed;

    public long Size { get; private set; } = size;

    public async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken ct = default)
    {
        var stream = Open();
        try
        {
            await stream.WriteAsync(data, ct);
        }
        catch
        {
            // Part of the data may be in the file: nothing more may follow it, or the upload would have a hole.
            _failed = true;
            throw;
        }
        Size += data.Length;
    }

    public async Task<BlobUploadState> CompleteAsync(CancellationToken ct = default)
    {
        var stream = Open();
        // The bytes reach the kernel here (a process crash keeps them); commit fsyncs before it publishes the blob.
        await stream.FlushAsync(ct);
        _data = null;
        await stream.DisposeAsync(); // releases the lock at once: the writer accepts nothing more anyway
        return new BlobUploadState(Size);
    }

    public ValueTask DisposeAsync()
    {
        var stream = _data;
        _data = null;
        return stream?.DisposeAsync() ?? ValueTask.CompletedTask;
    }

    private Stream Open()
    {
        if (_failed) throw new InvalidOperationException($"a write to upload {uploadId} failed; open a new writer from the last state");
        return _data ?? throw new InvalidOperationException($"the writer of upload {uploadId} is completed or disposed");
    }
}
