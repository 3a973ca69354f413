using System.Runtime.CompilerServices;
using OrleansRegistry.Core;

namespace OrleansRegistry.Storage.Blobs;

/// <summary>
/// Blob store on a local or shared filesystem, in the layout of <see cref="BlobStoreLayout"/>: a key maps to
/// <c>&lt;root&gt;/&lt;key&gt;</c>, so committed blobs live at
/// <c>&lt;root&gt;/blobs/&lt;algorithm&gt;/&lt;first two of encoded&gt;/&lt;encoded&gt;</c> and upload data at
/// <c>&lt;root&gt;/uploads/&lt;uploadId&gt;/data</c>. Both trees must be on one filesystem: commit is a rename.
/// An upload's state is only its size (<see cref="BlobUploadState.Resume"/> stays null): the file is the data.
/// </summary>
/// <param name="rootDirectory">Directory holding the store; it and its subdirectories are created as needed.</param>
/// <param name="flushToDisk">
/// Whether commit forces the upload's data to stable storage before the rename. Turning it off trades
/// durability against an operating-system crash or power loss (not a process crash) for commit latency.
/// </param>
public sealed class FileSystemBlobStore(string rootDirectory, bool flushToDisk = true) : IBlobStore
{
    // Streams are unbuffered: callers copy with large (1 MiB) buffers, so a FileStream buffer would only add a copy.
    private const int NoBuffer = 0;
    private const FileOptions StreamOptions = FileOptions.Asynchronous | FileOptions.SequentialScan;

    private readonly string _root = Path.GetFullPath(rootDirectory);
    private string BlobsDirectory => PathOf(BlobStoreLayout.BlobsPrefix);
    private string UploadsDirectory => PathOf(BlobStoreLayout.UploadsPrefix);

    public Task<long?> StatAsync(Digest digest, CancellationToken ct = default) => Run(() =>
    {
        var file = new FileInfo(BlobPath(digest));
        return file.Exists ? file.Length : (long?)null;
    }, ct);

    public Task<Stream?> OpenReadAsync(Digest digest, long offset = 0, long? length = null, CancellationToken ct = default) => Run(() =>
    {
        var path = BlobPath(digest);
        FileStream stream;
        try
        {
            // FileShare.Delete: a reader must not stop garbage collection from deleting the blob.
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, NoBuffer, StreamOptions);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        try
        {
            // The range is checked against the file's size there: beyond it, ArgumentOutOfRangeException.
            return (Stream?)new RangeReadStream(stream, offset, length ?? Math.Max(stream.Length - offset, 0));
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }, ct);

    public Task<bool> DeleteAsync(Digest digest, CancellationToken ct = default) => Run(() =>
    {
        var path = BlobPath(digest);
        // Two racing deletes may both report true; harmless for garbage collection, and exactness would need a
        // rename to a tombstone. The fan-out directory stays: removing it could race with a commit into it.
        if (!File.Exists(path)) return false;
        File.Delete(path);
        return true;
    }, ct);

    public Task<BlobUploadState> CreateUploadAsync(string uploadId, CancellationToken ct = default) => Run(() =>
    {
        var directory = Directory.CreateDirectory(UploadDirectory(uploadId));
        // OpenOrCreate: a retried create must not fail; bytes left from an earlier attempt lie beyond the size 0
        // returned here, so the first writer truncates them.
        using var _ = new FileStream(Path.Combine(directory.FullName, BlobStoreLayout.UploadDataName), FileMode.OpenOrCreate, FileAccess.Write);
        return new BlobUploadState(0);
    }, ct);

    public Task<IBlobUploadWriter> OpenUploadWriterAsync(string uploadId, BlobUploadState state, CancellationToken ct = default) => Run(() =>
    {
        var size = SizeOf(state);
        var stream = OpenUploadData(uploadId, FileAccess.Write, exclusive: true);
        try
        {
            if (size > stream.Length)
                throw new ArgumentOutOfRangeException(nameof(state), size, $"upload {uploadId} holds only {stream.Length} bytes");
            // Drops what an earlier writer appended beyond the state without completing (a dropped chunk).
            if (stream.Length > size) stream.SetLength(size);
            stream.Position = size;
            return (IBlobUploadWriter)new FileSystemUploadWriter(uploadId, flushToDisk ? new EarlyWritebackStream(stream) : stream, size);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }, ct);

    public Task<Stream> OpenUploadReaderAsync(string uploadId, BlobUploadState state, CancellationToken ct = default) => Run(() =>
    {
        var size = SizeOf(state);
        var stream = OpenUploadData(uploadId, FileAccess.Read);
        try
        {
            if (size > stream.Length)
                throw new ArgumentOutOfRangeException(nameof(state), size, $"upload {uploadId} holds only {stream.Length} bytes");
            return (Stream)new RangeReadStream(stream, 0, size);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }, ct);

    public bool ReadsUnfinishedUploads => true;

    public Task<Stream> OpenUploadRangeAsync(string uploadId, long offset, long length, CancellationToken ct = default) => Run(() =>
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        var stream = UnlockedFile.OpenRead(UploadDataPath(uploadId)) ?? throw new UploadNotFoundException(uploadId);
        try
        {
            if (offset + length > stream.Length)
                throw new ArgumentOutOfRangeException(nameof(length), offset + length, $"upload {uploadId} holds only {stream.Length} bytes");
            return (Stream)new RangeReadStream(stream, offset, length);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }, ct);

    // fsync of a large file can block for a long time: keep it off the caller's (request) thread.
    public Task CommitUploadAsync(string uploadId, BlobUploadState state, Digest digest, CancellationToken ct = default) =>
        Task.Run(() => CommitUpload(uploadId, SizeOf(state), digest), ct);

    private void CommitUpload(string uploadId, long length, Digest digest)
    {
        var finalPath = BlobPath(digest);
        var dataPath = UploadDataPath(uploadId);

        using (var data = OpenUploadData(uploadId, FileAccess.ReadWrite))
        {
            if (data.Length < length)
                throw new ArgumentOutOfRangeException(nameof(length), length, $"upload {uploadId} holds only {data.Length} bytes");
            if (data.Length > length) data.SetLength(length);
            // The rename below must never publish a name whose bytes could still be lost.
            if (flushToDisk) data.Flush(flushToDisk: true);
        }

        Directory.CreateDirectory(Path.GetDirectoryName(finalPath)!);
        try
        {
            // A rename within one filesystem: the final name appears complete or not at all. Should two commits of
            // one digest both pass the no-overwrite check, the later one atomically replaces identical bytes.
            File.Move(dataPath, finalPath, overwrite: false);
        }
        catch (IOException) when (File.Exists(finalPath))
        {
            // Another upload committed the same digest first; content addressing makes its bytes ours.
        }
        DeleteDirectory(UploadDirectory(uploadId));
    }

    // The state adds nothing here: the upload's directory is all of its data.
    public Task DeleteUploadAsync(string uploadId, BlobUploadState? state, CancellationToken ct = default) => Run(() =>
    {
        DeleteDirectory(UploadDirectory(uploadId));
        return true;
    }, ct);

    public async IAsyncEnumerable<string> ListUploadsAsync(DateTimeOffset olderThan, [EnumeratorCancellation] CancellationToken ct = default)
    {
        if (!Directory.Exists(UploadsDirectory)) yield break;
        foreach (var directory in new DirectoryInfo(UploadsDirectory).EnumerateDirectories())
        {
            ct.ThrowIfCancellationRequested();
            if (!BlobStoreKeys.IsUploadId(directory.Name)) continue;
            if (LastWriteUtc(directory) is { } lastWrite && new DateTimeOffset(lastWrite) < olderThan)
                yield return directory.Name;
        }
    }

    // Both trees are probed: uploads are written in one and committed into the other. The probe file is removed on close.
    public Task CheckAsync(CancellationToken ct = default) => Run(() =>
    {
        foreach (var directory in new[] { UploadsDirectory, BlobsDirectory })
        {
            Directory.CreateDirectory(directory);
            using var probe = new FileStream(Path.Combine(directory, $".probe-{Guid.NewGuid():N}"), FileMode.CreateNew,
                FileAccess.Write, FileShare.None, NoBuffer, FileOptions.DeleteOnClose);
            probe.WriteByte(0);
        }
        return true;
    }, ct);

    /// <summary>
    /// When an upload was last written: its data file's time, or, for a directory without data (a commit
    /// interrupted after its rename), the directory's own, so that sweeps still remove it. Null when it is gone.
    /// </summary>
    private static DateTime? LastWriteUtc(DirectoryInfo upload)
    {
        var data = new FileInfo(Path.Combine(upload.FullName, BlobStoreLayout.UploadDataName));
        if (data.Exists) return data.LastWriteTimeUtc;
        upload.Refresh();
        return upload.Exists ? upload.LastWriteTimeUtc : null;
    }

    /// <summary>
    /// The upload's data file. A writer opens it <paramref name="exclusive"/>ly: .NET takes flock(LOCK_EX) for
    /// FileShare.None on Unix (LOCK_SH otherwise), which the kernel drops when the holder dies, also across processes
    /// sharing the directory; a second writer, or a commit while a writer is open, then fails instead of interleaving.
    /// </summary>
    private FileStream OpenUploadData(string uploadId, FileAccess access, bool exclusive = false)
    {
        try
        {
            return new FileStream(UploadDataPath(uploadId), FileMode.Open, access,
                exclusive ? FileShare.None : FileShare.ReadWrite | FileShare.Delete, NoBuffer, StreamOptions);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new UploadNotFoundException(uploadId);
        }
        catch (IOException e)
        {
            throw new UploadBusyException(uploadId, e);
        }
    }

    private string BlobPath(Digest digest) => PathOf(BlobStoreLayout.BlobKey(digest));

    private string UploadDirectory(string uploadId) => PathOf(BlobStoreLayout.UploadPrefix(uploadId));

    private string UploadDataPath(string uploadId) => PathOf(BlobStoreLayout.UploadDataKey(uploadId));

    private string PathOf(string key) => Path.Combine([_root, .. key.Split('/', StringSplitOptions.RemoveEmptyEntries)]);

    private static long SizeOf(BlobUploadState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentOutOfRangeException.ThrowIfNegative(state.Size, nameof(state));
        return state.Size;
    }

    private static void DeleteDirectory(string path)
    {
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

    // Filesystem calls here are quick metadata operations; running them inline and reporting failures through the
    // task keeps every error, argument errors included, where an awaiting caller looks for it.
    private static Task<T> Run<T>(Func<T> operation, CancellationToken ct)
    {
        if (ct.IsCancellationRequested) return Task.FromCanceled<T>(ct);
        try
        {
            return Task.FromResult(operation());
        }
        catch (Exception e)
        {
            return Task.FromException<T>(e);
        }
    }
}
