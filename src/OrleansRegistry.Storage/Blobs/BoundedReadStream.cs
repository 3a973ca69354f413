namespace OrleansRegistry.Storage.Blobs;

/// <summary>
/// A read-only, seekable view of the first <c>length</c> bytes of another stream, which it owns. Lets a store hand
/// out "the bytes written so far" without copying them, while a longer tail may still exist on disk.
/// </summary>
internal sealed class BoundedReadStream : Stream
{
    private readonly Stream _inner;
    private readonly long _length;

    public BoundedReadStream(Stream inner, long length)
    {
        if (!inner.CanRead || !inner.CanSeek)
            throw new ArgumentException("the inner stream must be readable and seekable", nameof(inner));
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, inner.Length);
        _inner = inner;
        _length = length;
        _inner.Position = 0;
    }

    public override bool CanRead => true;
    public override bool CanSeek => true;
    public override bool CanWrite => false;
    public override long Length => _length;

    public override long Position
    {
        get => _inner.Position;
        set => Seek(value, SeekOrigin.Begin);
    }

    private int Allowed(int requested) => (int)Math.Clamp(_length - _inner.Position, 0, requested);

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var allowed = Allowed(buffer.Length);
        return allowed == 0 ? 0 : _inner.Read(buffer[..allowed]);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var allowed = Allowed(buffer.Length);
        return allowed == 0 ? ValueTask.FromResult(0) : _inner.ReadAsync(buffer[..allowed], cancellationToken);
    }

    public override long Seek(long offset, SeekOrigin origin)
    {
        var target = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _inner.Position + offset,
            SeekOrigin.End => _length + offset,
            _ => throw new ArgumentOutOfRangeException(nameof(origin)),
        };
        ArgumentOutOfRangeException.ThrowIfNegative(target, nameof(offset));
        return _inner.Seek(target, SeekOrigin.Begin);
    }

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
