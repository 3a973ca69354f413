using System.Buffers;
using Amazon.S3.Model;

namespace OrleansRegistry.Storage.Blobs.S3;

/// <summary>
/// Appends to an upload's multipart upload: bytes gather in one pooled buffer of the part size and go out as a part
/// when it is full. At completion what is left goes out as a last part when it is at least 5 MiB, or else as a small
/// tail object that the next writer reads back into its buffer first (S3 takes parts under 5 MiB only as the last).
/// Nothing but the returned state records the parts, so a writer disposed without completing adds nothing.
/// </summary>
internal sealed class S3UploadWriter : IBlobUploadWriter
{
    private readonly S3BlobStore _store;
    private readonly string _uploadId;
    private readonly BlobUploadState _initial;
    private readonly S3UploadResume _resume;
    private readonly List<S3UploadPart> _parts;
    private byte[]? _buffer;
    private int _buffered;
    private bool _completed;

    private S3UploadWriter(S3BlobStore store, string uploadId, BlobUploadState initial, S3UploadResume resume, byte[] buffer)
    {
        _store = store;
        _uploadId = uploadId;
        _initial = initial;
        _resume = resume;
        _parts = [.. resume.Parts];
        _buffer = buffer;
        Size = initial.Size;
    }

    public long Size { get; private set; }

    /// <summary>A writer continuing <paramref name="resume"/>, its tail already read back into the buffer.</summary>
    public static async Task<S3UploadWriter> OpenAsync(S3BlobStore store, string uploadId, BlobUploadState state, S3UploadResume resume, CancellationToken ct)
    {
        var buffer = ArrayPool<byte>.Shared.Rent((int)store.Options.PartSize);
        var writer = new S3UploadWriter(store, uploadId, state, resume, buffer);
        try
        {
            if (resume.Tail is { } tail) writer._buffered = await store.ReadUploadObjectAsync(uploadId, tail, buffer, ct);
            return writer;
        }
        catch
        {
            await writer.DisposeAsync();
            throw;
        }
    }

    private int Capacity => (int)_store.Options.PartSize;

    public async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken ct = default)
    {
        var buffer = _completed || _buffer is null ? throw new InvalidOperationException("the writer is completed or disposed") : _buffer;
        while (!data.IsEmpty)
        {
            var take = Math.Min(data.Length, Capacity - _buffered);
            data.Span[..take].CopyTo(buffer.AsSpan(_buffered));
            _buffered += take;
            Size += take;
            data = data[take..];
            if (_buffered == Capacity) await SendPartAsync(ct);
        }
    }

    public async Task<BlobUploadState> CompleteAsync(CancellationToken ct = default)
    {
        if (_completed || _buffer is null) throw new InvalidOperationException("the writer is completed or disposed");
        _completed = true;
        // Nothing appended: the upload stands as it was (its tail object included).
        if (Size == _initial.Size) return _initial;
        S3UploadTail? tail = null;
        if (_buffered >= S3BlobStoreOptions.MinPartSize) await SendPartAsync(ct);
        else if (_buffered > 0) tail = await _store.WriteTailAsync(_uploadId, _buffer.AsMemory(0, _buffered), ct);
        return new BlobUploadState(Size, new S3UploadResume(_resume.MultipartId, _parts, tail).Encode());
    }

    private async Task SendPartAsync(CancellationToken ct)
    {
        var number = (_parts.Count == 0 ? 0 : _parts[^1].Number) + 1;
        if (number > 10_000)
            throw new InvalidOperationException($"upload {_uploadId} needs more than 10,000 parts: raise Registry:BlobStore:S3:PartSize");
        var etag = await _store.UploadPartAsync(_uploadId, _resume.MultipartId, number, _buffer!.AsMemory(0, _buffered), ct);
        _parts.Add(new S3UploadPart(number, _buffered, etag));
        _buffered = 0;
    }

    public ValueTask DisposeAsync()
    {
        if (_buffer is { } buffer)
        {
            _buffer = null;
            ArrayPool<byte>.Shared.Return(buffer);
        }
        return ValueTask.CompletedTask;
    }
}
