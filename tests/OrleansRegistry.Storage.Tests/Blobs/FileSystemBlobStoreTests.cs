using OrleansRegistry.Storage.Blobs;

namespace OrleansRegistry.Storage.Tests.Blobs;

/// <summary>The conformance suite over a store in a fresh temporary directory, plus what only a filesystem shows.</summary>
public sealed class FileSystemBlobStoreTests : BlobStoreConformanceTests, IDisposable
{
    // The store's root sits one level below a private directory, so that anything written beside it is visible.
    private readonly string _sandbox = Directory.CreateTempSubdirectory("oreg-blobstore-").FullName;
    private readonly string _root;
    private readonly FileSystemBlobStore _store;

    public FileSystemBlobStoreTests()
    {
        _root = Path.Combine(_sandbox, "store");
        _store = new FileSystemBlobStore(_root);
    }

    protected override IBlobStore Store => _store;

    public void Dispose() => Directory.Delete(_sandbox, recursive: true);

    [Fact]
    public async Task Blobs_and_uploads_live_at_their_documented_paths()
    {
        var content = Bytes(100, seed: 1);
        var digest = DigestOf(content);
        var hex = digest.Encoded;
        var upload = NewUploadId();
        var state = await WriteAsync(upload, await Store.CreateUploadAsync(upload), content);
        var uploadData = Path.Combine(_root, "uploads", upload, "data");
        var blobPath = Path.Combine(_root, "blobs", "sha256", hex[..2], hex);
        Assert.Equal(content, await File.ReadAllBytesAsync(uploadData));
        Assert.False(File.Exists(blobPath)); // nothing at the final path before the commit

        await Store.CommitUploadAsync(upload, state, digest);

        Assert.Equal(content, await File.ReadAllBytesAsync(blobPath));
        Assert.False(Directory.Exists(Path.Combine(_root, "uploads", upload)));
        // The same layout as keys, which every store uses.
        Assert.Equal($"blobs/sha256/{hex[..2]}/{hex}", BlobStoreLayout.BlobKey(digest));
        Assert.Equal($"uploads/{upload}/data", BlobStoreLayout.UploadDataKey(upload));
    }

    [Fact]
    public async Task Uploads_are_aged_by_their_last_write()
    {
        var stale = NewUploadId();
        var fresh = NewUploadId();
        var revived = NewUploadId();
        foreach (var upload in new[] { stale, fresh, revived })
            await Store.CreateUploadAsync(upload);
        var longAgo = DateTime.UtcNow.AddDays(-2);
        File.SetLastWriteTimeUtc(DataPath(stale), longAgo);
        File.SetLastWriteTimeUtc(DataPath(revived), longAgo);
        await WriteAsync(revived, new BlobUploadState(0), Bytes(10, seed: 2));

        var listed = await ListUploadsAsync(DateTimeOffset.UtcNow.AddDays(-1));

        Assert.Equal([stale], listed);
    }

    [Fact]
    public async Task An_upload_directory_left_without_data_is_still_swept()
    {
        var upload = NewUploadId();
        await Store.CreateUploadAsync(upload);
        File.Delete(DataPath(upload)); // as a commit interrupted between its rename and removing the directory
        Directory.SetLastWriteTimeUtc(Path.Combine(_root, "uploads", upload), DateTime.UtcNow.AddDays(-2));

        Assert.Equal([upload], await ListUploadsAsync(DateTimeOffset.UtcNow.AddDays(-1)));
        await Store.DeleteUploadAsync(upload, null);
        Assert.Empty(await ListUploadsAsync(DateTimeOffset.UtcNow.AddDays(1)));
    }

    [Fact]
    public async Task Foreign_directories_under_uploads_are_not_listed()
    {
        Directory.CreateDirectory(Path.Combine(_root, "uploads", "not an upload"));

        Assert.Empty(await ListUploadsAsync(DateTimeOffset.UtcNow.AddDays(1)));
    }

    [Fact]
    public async Task Commit_without_flushing_to_disk_gives_the_same_blob()
    {
        var store = new FileSystemBlobStore(_root, flushToDisk: false);
        var content = Bytes(4096, seed: 3);
        var digest = DigestOf(content);
        var upload = NewUploadId();
        var state = await store.CreateUploadAsync(upload);
        await using (var writer = await store.OpenUploadWriterAsync(upload, state))
        {
            await writer.WriteAsync(content);
            state = await writer.CompleteAsync();
        }

        await store.CommitUploadAsync(upload, state, digest);

        Assert.Equal(content.Length, await Store.StatAsync(digest));
    }

    [Fact]
    public async Task Refused_names_leave_nothing_behind()
    {
        var upload = NewUploadId();
        await Store.CreateUploadAsync(upload);

        foreach (var digest in HostileDigests)
            await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.DeleteAsync(Unparsed(digest)));
        foreach (var hostile in HostileUploadIds)
            await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.CreateUploadAsync(hostile));

        Assert.Equal([_root], Directory.EnumerateFileSystemEntries(_sandbox));
        Assert.Equal([Path.Combine(_root, "uploads")], Directory.EnumerateFileSystemEntries(_root));
        Assert.Equal([Path.Combine(_root, "uploads", upload)], Directory.EnumerateFileSystemEntries(Path.Combine(_root, "uploads")));
    }

    [Fact]
    public async Task The_check_leaves_no_file_behind()
    {
        await Store.CheckAsync();

        Assert.Empty(Directory.EnumerateFiles(_root, "*", SearchOption.AllDirectories));
    }

    [Fact] // what an operator sees on /readyz when the data volume is broken: the check fails and says where
    public async Task The_check_fails_when_the_uploads_directory_cannot_be_written()
    {
        Directory.CreateDirectory(_root);
        await File.WriteAllBytesAsync(Path.Combine(_root, "uploads"), []); // a file where the directory belongs

        var error = await Assert.ThrowsAnyAsync<IOException>(() => Store.CheckAsync());
        Assert.Contains("uploads", error.Message);
    }

    [Fact] // one writer at a time (docs/architecture.md#upload-state-machine), also when a lease was taken over from a writer still streaming
    public async Task A_second_writer_is_refused_while_one_is_open_and_admitted_after_it_closes()
    {
        var upload = NewUploadId();
        var state = await Store.CreateUploadAsync(upload);
        var first = await Store.OpenUploadWriterAsync(upload, state);
        await first.WriteAsync(Bytes(100, seed: 40));

        var busy = await Assert.ThrowsAsync<UploadBusyException>(() => Store.OpenUploadWriterAsync(upload, state));
        Assert.Equal(upload, busy.UploadId);
        await Assert.ThrowsAsync<UploadBusyException>(() => Store.CommitUploadAsync(upload, state, DigestOf([])));

        state = await first.CompleteAsync(); // releases the lock
        await first.DisposeAsync();
        state = await WriteAsync(upload, state, Bytes(5, seed: 41));
        Assert.Equal(105, state.Size);
        Assert.Equal(105, new FileInfo(DataPath(upload)).Length);
    }

    [Fact]
    public async Task A_writer_disposed_without_completing_leaves_its_bytes_until_the_next_writer_truncates_them()
    {
        var upload = NewUploadId();
        var state = await WriteAsync(upload, await Store.CreateUploadAsync(upload), Bytes(600, seed: 42));
        await using (var dropped = await Store.OpenUploadWriterAsync(upload, state))
            await dropped.WriteAsync(Bytes(400, seed: 43));
        Assert.Equal(1000, new FileInfo(DataPath(upload)).Length);

        await using (await Store.OpenUploadWriterAsync(upload, state))
            Assert.Equal(600, new FileInfo(DataPath(upload)).Length);
    }

    [Fact] // the state is only a size here, and a size the file cannot have is refused, not padded
    public async Task A_state_beyond_the_end_of_the_data_is_refused()
    {
        var upload = NewUploadId();
        await WriteAsync(upload, await Store.CreateUploadAsync(upload), Bytes(10, seed: 44));

        foreach (var state in new[] { new BlobUploadState(11), new BlobUploadState(-1) })
        {
            await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Store.OpenUploadWriterAsync(upload, state));
            await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Store.OpenUploadReaderAsync(upload, state));
            await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Store.CommitUploadAsync(upload, state, DigestOf([])));
        }
        Assert.Equal(10, new FileInfo(DataPath(upload)).Length);
        Assert.Null(await Store.StatAsync(DigestOf([])));
    }

    private string DataPath(string upload) => Path.Combine(_root, "uploads", upload, "data");
}
