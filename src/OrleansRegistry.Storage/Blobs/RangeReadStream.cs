namespace OrleansRegistry.Storage.Blobs;

/// <summary>
/// A read-only, forward-only view of bytes [offset, offset + length) of another stream, which it owns. Lets a store
/// hand out a byte range of a blob, or "the bytes of the upload so far" while a longer tail may still exist on disk,
/// without copying them. Forward-only as the <see cref="IBlobStore"/> contract promises, so no caller comes to rely
/// on seeking that an object store's streams do not offer.
/// </summary>
internal sealed class RangeReadStream : Stream
{
    private readonly Stream _inner;
    private long _remaining;

    public RangeReadStream(Stream inner, long offset, long length)
    {
        if (!inner.CanRead || !inner.CanSeek)
            throw new ArgumentException("the inner stream must be readable and seekable", nameof(inner));
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(offset, inner.Length - length);
        _inner = inner;
        _remaining = length;
        _inner.Position = offset;
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    private int Allowed(int requested) => (int)Math.Min(_remaining, requested);

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var allowed = Allowed(buffer.Length);
        if (allowed == 0) return 0;
        var read = _inner.Read(buffer[..allowed]);
        _remaining -= read;
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var allowed = Allowed(buffer.Length);
        if (allowed == 0) return 0;
        var read = await _inner.ReadAsync(buffer[..allowed], cancellationToken);
        _remaining -= read;
        return read;
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void Flush() { }
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) _inner.Dispose();
        base.Dispose(disposing);
    }

    public override ValueTask DisposeAsync() => _inner.DisposeAsync();
}
