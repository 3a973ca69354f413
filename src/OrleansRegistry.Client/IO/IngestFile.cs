namespace OrleansRegistry.Client.IO;

/// <summary>
/// A file written in an ingest directory and made visible at its destination only by <see cref="CommitAsync"/>:
/// flushed to disk, then renamed into place, so a reader sees the old file or the whole new one, never a torn write.
/// Disposing without a commit deletes it. The ingest directory sits beside the destination (inside a layout, or the
/// directory of a <c>config.json</c>) so the rename never crosses a filesystem (where it would become a copy, and no
/// longer atomic).
/// </summary>
internal sealed class IngestFile : IAsyncDisposable
{
    private readonly FileStream _stream;
    private bool _finished;

    private IngestFile(string path, FileStream stream)
    {
        TemporaryPath = path;
        _stream = stream;
    }

    public string TemporaryPath { get; }

    /// <summary>Unbuffered: writes go straight to the file, so memory holds only the caller's buffer.</summary>
    public Stream Stream => _stream;

    /// <summary><paramref name="mode"/>: the file's permissions from its creation on (Unix), e.g. owner-only for secrets.</summary>
    public static IngestFile Create(string ingestDirectory, UnixFileMode? mode = null)
    {
        Directory.CreateDirectory(ingestDirectory);
        // A fresh name per write: concurrent puts of one digest each get their own file, and the last rename wins
        // with identical bytes.
        var path = Path.Combine(ingestDirectory, Guid.NewGuid().ToString("N") + ".partial");
        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            Share = FileShare.None,
            BufferSize = 0,
            Options = FileOptions.Asynchronous,
        };
        if (mode is { } unixMode && !OperatingSystem.IsWindows())
            options.UnixCreateMode = unixMode;
        var stream = new FileStream(path, options);
        return new IngestFile(path, stream);
    }

    /// <summary>
    /// Makes the content durable, then moves it to <paramref name="destination"/>. With <paramref name="overwrite"/>
    /// false an existing destination is kept and this write is dropped (returns false): used where another writer
    /// may have created the same file first.
    /// </summary>
    public async Task<bool> CommitAsync(string destination, bool overwrite, CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        await _stream.FlushAsync(ct);
        // fsync before the rename: otherwise a crash could leave the new name pointing at data never written.
        _stream.Flush(flushToDisk: true);
        await _stream.DisposeAsync();
        try
        {
            File.Move(TemporaryPath, destination, overwrite);
        }
        catch (IOException) when (!overwrite && File.Exists(destination))
        {
            DeleteTemporary();
            _finished = true;
            return false;
        }
        _finished = true;
        return true;
    }

    public async ValueTask DisposeAsync()
    {
        if (_finished)
            return;
        _finished = true;
        await _stream.DisposeAsync();
        DeleteTemporary();
    }

    private void DeleteTemporary()
    {
        // Runs while another exception (mismatch, cancellation) is propagating; failing here must not replace it.
        try { File.Delete(TemporaryPath); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
