using System.Runtime.CompilerServices;

namespace OrleansRegistry.Storage.Blobs;

/// <summary>
/// Blob store on a local or shared filesystem. Committed blobs live at
/// <c>&lt;root&gt;/blobs/&lt;algorithm&gt;/&lt;first two of encoded&gt;/&lt;encoded&gt;</c>, upload data at
/// <c>&lt;root&gt;/uploads/&lt;uploadId&gt;/data</c>. Both trees must be on one filesystem: commit is a rename.
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
    private const string UploadDataFileName = "data";

    private readonly string _blobsDirectory = Path.Combine(Path.GetFullPath(rootDirectory), "blobs");
    private readonly string _uploadsDirectory = Path.Combine(Path.GetFullPath(rootDirectory), "uploads");

    public Task<long?> StatAsync(string digest, CancellationToken ct = default) => Run(() =>
    {
        var file = new FileInfo(BlobPath(digest));
        return file.Exists ? file.Length : (long?)null;
    }, ct);

    public Task<Stream?> OpenReadAsync(string digest, CancellationToken ct = default) => Run(() =>
    {
        var path = BlobPath(digest);
        try
        {
            // FileShare.Delete: a reader must not stop garbage collection from deleting the blob.
            return (Stream?)new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, NoBuffer, StreamOptions);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }, ct);

    public Task<bool> DeleteAsync(string digest, CancellationToken ct = default) => Run(() =>
    {
        var path = BlobPath(digest);
        // Two racing deletes may both report true; harmless for garbage collection, and exactness would need a
        // rename to a tombstone. The fan-out directory stays: removing it could race with a commit into it.
        if (!File.Exists(path)) return false;
        File.Delete(path);
        return true;
    }, ct);

    public Task CreateUploadAsync(string uploadId, CancellationToken ct = default) => Run(() =>
    {
        var directory = Directory.CreateDirectory(UploadDirectory(uploadId));
        // OpenOrCreate keeps a retried create from wiping data already written under the same id.
        using var _ = new FileStream(Path.Combine(directory.FullName, UploadDataFileName), FileMode.OpenOrCreate, FileAccess.Write);
        return true;
    }, ct);

    public Task<Stream> OpenUploadWriterAsync(string uploadId, long offset, CancellationToken ct = default) => Run(() =>
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        var stream = OpenUploadData(uploadId, FileAccess.Write, exclusive: true);
        try
        {
            if (offset > stream.Length)
                throw new ArgumentOutOfRangeException(nameof(offset), offset, $"upload {uploadId} holds only {stream.Length} bytes");
            // Drops the partial tail a dropped chunk may have left beyond the committed offset.
            if (stream.Length > offset) stream.SetLength(offset);
            stream.Position = offset;
            return flushToDisk ? new EarlyWritebackStream(stream) : (Stream)stream;
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }, ct);

    public Task<long?> StatUploadAsync(string uploadId, CancellationToken ct = default) => Run(() =>
    {
        var file = new FileInfo(UploadDataPath(uploadId));
        return file.Exists ? file.Length : (long?)null;
    }, ct);

    public Task<Stream> OpenUploadReaderAsync(string uploadId, long length, CancellationToken ct = default) => Run(() =>
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        var stream = OpenUploadData(uploadId, FileAccess.Read);
        try
        {
            if (length > stream.Length)
                throw new ArgumentOutOfRangeException(nameof(length), length, $"upload {uploadId} holds only {stream.Length} bytes");
            return (Stream)new BoundedReadStream(stream, length);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }, ct);

    // fsync of a large file can block for a long time: keep it off the caller's (request) thread.
    public Task CommitUploadAsync(string uploadId, long length, string digest, CancellationToken ct = default) =>
        Task.Run(() => CommitUpload(uploadId, length, digest), ct);

    private void CommitUpload(string uploadId, long length, string digest)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
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

    public Task DeleteUploadAsync(string uploadId, CancellationToken ct = default) => Run(() =>
    {
        DeleteDirectory(UploadDirectory(uploadId));
        return true;
    }, ct);

    public async IAsyncEnumerable<string> ListUploadsAsync(DateTimeOffset olderThan, [EnumeratorCancellation] CancellationToken ct = default)
    {
        if (!Directory.Exists(_uploadsDirectory)) yield break;
        foreach (var directory in new DirectoryInfo(_uploadsDirectory).EnumerateDirectories())
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
        foreach (var directory in new[] { _uploadsDirectory, _blobsDirectory })
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
        var data = new FileInfo(Path.Combine(upload.FullName, UploadDataFileName));
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

    private string BlobPath(string digest)
    {
        var (algorithm, encoded) = BlobStoreKeys.SplitDigest(digest);
        return Path.Combine(_blobsDirectory, algorithm, encoded[..2], encoded);
    }

    private string UploadDirectory(string uploadId)
    {
        BlobStoreKeys.CheckUploadId(uploadId);
        return Path.Combine(_uploadsDirectory, uploadId);
    }

    private string UploadDataPath(string uploadId) => Path.Combine(UploadDirectory(uploadId), UploadDataFileName);

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
