namespace OrleansRegistry.Client.Tests.Infrastructure;

/// <summary>
/// A read-only, non-seekable source over fixed bytes, as a network body looks to its reader: reads return at most
/// <c>maxReadBytes</c> (so code must cope with short reads), and <c>beforeRead</c> runs before every read with the
/// number of bytes delivered so far, so a test can cancel a token, throw a transport error or inspect the disk at an
/// exact point of the transfer. It deliberately ignores the cancellation token it is given: a source that does not
/// observe cancellation is the case a consumer must handle itself.
/// </summary>
public sealed class ScriptedSourceStream(byte[] content, int maxReadBytes = int.MaxValue, Action<long>? beforeRead = null)
    : Stream
{
    private int _position;

    /// <summary>Bytes handed to the reader so far.</summary>
    public long Delivered => _position;

    /// <summary>Calls of any Read method, including the one that returned 0.</summary>
    public int Reads { get; private set; }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        Reads++;
        beforeRead?.Invoke(_position);
        var n = Math.Min(Math.Min(buffer.Length, maxReadBytes), content.Length - _position);
        content.AsSpan(_position, n).CopyTo(buffer);
        _position += n;
        return n;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Task.FromResult(Read(buffer.AsSpan(offset, count)));

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Read(buffer.Span));

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
