namespace OrleansRegistry.Client.Tests.Images;

/// <summary>
/// Passes a blob's bytes through, but stops after <c>pauseAt</c> bytes until its <see cref="BlobGate"/> opens: the
/// transfer is then truly mid-blob (part of it written to the store's ingest file or sent to the registry). Seeking is
/// forwarded, so an upload that rewinds its source still works through it.
/// </summary>
public sealed class GatedStream(Stream inner, long pauseAt, BlobGate gate, Action onPause, Action onFail, Action? onDispose = null) : Stream
{
    private long _passed;
    private bool _gatePassed;
    private bool _disposed;

    public override bool CanRead => true;
    public override bool CanSeek => inner.CanSeek;
    public override bool CanWrite => false;
    public override long Length => inner.Length;

    public override long Position
    {
        get => inner.Position;
        set { inner.Position = value; _passed = value; }
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
    {
        if (!_gatePassed && _passed >= pauseAt)
        {
            onPause();
            try
            {
                await gate.PassAsync(ct);
            }
            catch (Exception) when (gate.Failing)
            {
                onFail();
                throw;
            }
            _gatePassed = true;
        }
        var limit = _gatePassed ? buffer.Length : (int)Math.Min(buffer.Length, pauseAt - _passed);
        var read = await inner.ReadAsync(buffer[..limit], ct);
        _passed += read;
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) =>
        ReadAsync(buffer.AsMemory(offset, count), ct).AsTask();

    public override int Read(byte[] buffer, int offset, int count) =>
        ReadAsync(buffer, offset, count, default).GetAwaiter().GetResult();

    public override long Seek(long offset, SeekOrigin origin)
    {
        var position = inner.Seek(offset, origin);
        _passed = position;
        return position;
    }

    public override void Flush() { }
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_disposed)
        {
            _disposed = true;
            inner.Dispose();
            onDispose?.Invoke();
        }
        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        if (!_disposed)
        {
            _disposed = true;
            await inner.DisposeAsync();
            onDispose?.Invoke();
        }
        await base.DisposeAsync();
    }
}
