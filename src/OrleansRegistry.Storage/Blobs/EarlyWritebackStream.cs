using System.Runtime.InteropServices;

namespace OrleansRegistry.Storage.Blobs;

/// <summary>
/// Upload data that will be fsynced at commit: every few MiB it asks the kernel to start writing the bytes just
/// written back to disk (Linux <c>sync_file_range(SYNC_FILE_RANGE_WRITE)</c>, which does not wait). The disk then
/// works while the upload is still arriving, and the fsync at commit waits only for the tail instead of the
/// whole blob. Elsewhere, or if the call is refused, it is a plain pass-through.
/// </summary>
internal sealed class EarlyWritebackStream(FileStream inner) : Stream
{
    private const long KickEvery = 16L << 20;
    private const uint SyncFileRangeWrite = 2;
    private static bool _unsupported = !OperatingSystem.IsLinux();
    // From the last multiple of KickEvery, not from where this writer starts: an upload continued by many short
    // writers (a mirror fetch reopens one every few MiB) still has its bytes kicked to disk as it grows.
    private long _kickedUpTo = Aligned(inner.Position);

    public override bool CanRead => false;
    public override bool CanSeek => inner.CanSeek;
    public override bool CanWrite => true;
    public override long Length => inner.Length;
    public override long Position { get => inner.Position; set => _kickedUpTo = Aligned(inner.Position = value); }

    public override void Write(byte[] buffer, int offset, int count)
    {
        inner.Write(buffer, offset, count);
        Kick();
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken ct = default)
    {
        await inner.WriteAsync(buffer, ct);
        Kick();
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken ct) =>
        WriteAsync(buffer.AsMemory(offset, count), ct).AsTask();

    public override void Flush() => inner.Flush();
    public override Task FlushAsync(CancellationToken ct) => inner.FlushAsync(ct);
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin)
    {
        var position = inner.Seek(offset, origin);
        _kickedUpTo = Aligned(position);
        return position;
    }

    private static long Aligned(long position) => position - position % KickEvery;
    public override void SetLength(long value) => inner.SetLength(value);

    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
    }

    public override ValueTask DisposeAsync() => inner.DisposeAsync();

    private void Kick()
    {
        var position = inner.Position;
        if (_unsupported || position - _kickedUpTo < KickEvery) return;
        try
        {
            if (sync_file_range(inner.SafeFileHandle.DangerousGetHandle().ToInt32(), _kickedUpTo, position - _kickedUpTo, SyncFileRangeWrite) != 0)
                _unsupported = true;
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            _unsupported = true;
        }
        _kickedUpTo = position;
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int sync_file_range(int fd, long offset, long nbytes, uint flags);
}
