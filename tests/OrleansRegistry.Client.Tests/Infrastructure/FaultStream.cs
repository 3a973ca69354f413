namespace OrleansRegistry.Client.Tests.Infrastructure;

/// <summary>
/// Wraps a stream and, at byte <c>at</c> of what passes through, either throws an <see cref="IOException"/> (a
/// connection reset, as the socket would report it) or flips one byte (corruption in transit).
/// </summary>
public sealed class FaultStream(Stream inner, long at, FaultStream.Kind kind) : Stream
{
    public enum Kind { Break, FlipByte }

    private long _passed;

    public override bool CanRead => inner.CanRead;
    public override bool CanWrite => inner.CanWrite;
    public override bool CanSeek => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => _passed; set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
    {
        if (kind == Kind.Break && _passed >= at)
            throw new IOException("connection reset (injected by the test)");
        var limit = kind == Kind.Break ? (int)Math.Min(buffer.Length, at - _passed) : buffer.Length;
        var read = await inner.ReadAsync(buffer[..limit], ct);
        if (kind == Kind.FlipByte && _passed <= at && at < _passed + read)
            buffer.Span[(int)(at - _passed)] ^= 0xFF;
        _passed += read;
        return read;
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken ct = default)
    {
        if (kind == Kind.Break && _passed + buffer.Length > at)
        {
            var fits = (int)(at - _passed);
            if (fits > 0)
                await inner.WriteAsync(buffer[..fits], ct);
            _passed += Math.Max(fits, 0);
            await inner.FlushAsync(ct);
            throw new IOException("connection reset (injected by the test)");
        }
        await inner.WriteAsync(buffer, ct);
        _passed += buffer.Length;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) =>
        ReadAsync(buffer.AsMemory(offset, count), ct).AsTask();
    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken ct) =>
        WriteAsync(buffer.AsMemory(offset, count), ct).AsTask();
    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count, default).GetAwaiter().GetResult();
    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer, offset, count, default).GetAwaiter().GetResult();
    public override void Flush() => inner.Flush();
    public override Task FlushAsync(CancellationToken ct) => inner.FlushAsync(ct);
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
    }
}
