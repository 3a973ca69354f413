using System.Security.Cryptography;
using OrleansRegistry.Storage.Blobs;

namespace OrleansRegistry.Storage.Tests.Blobs;

/// <summary>
/// What every <see cref="IBlobStore"/> must do, whatever holds the bytes (as CNCF distribution's storage driver
/// suite). A store's test class derives from this one and supplies a fresh, empty store per test.
/// </summary>
public abstract class BlobStoreConformanceTests
{
    private const int MiB = 1024 * 1024;

    /// <summary>An empty store, new for each test.</summary>
    protected abstract IBlobStore Store { get; }

    [Fact]
    public async Task An_absent_blob_has_no_size_no_stream_and_nothing_to_delete()
    {
        var digest = DigestOf(Bytes(10, seed: 1));

        Assert.Null(await Store.StatAsync(digest));
        Assert.Null(await Store.OpenReadAsync(digest));
        Assert.False(await Store.DeleteAsync(digest));
    }

    [Fact] // architecture §4: one writer at a time, also when a lease was taken over from a writer still streaming
    public async Task A_second_writer_is_refused_while_one_is_open_and_admitted_after_it_closes()
    {
        var upload = NewUploadId();
        await Store.CreateUploadAsync(upload);
        var first = await Store.OpenUploadWriterAsync(upload, 0);
        await first.WriteAsync(Bytes(100, seed: 40));

        var busy = await Assert.ThrowsAsync<UploadBusyException>(() => Store.OpenUploadWriterAsync(upload, 0));
        Assert.Equal(upload, busy.UploadId);
        await Assert.ThrowsAsync<UploadBusyException>(() => Store.CommitUploadAsync(upload, 100, DigestOf(Bytes(100, seed: 40))));

        await first.DisposeAsync();
        await WriteAsync(upload, 100, Bytes(5, seed: 41));
        Assert.Equal(105, await Store.StatUploadAsync(upload));
    }

    [Fact]
    public async Task An_upload_written_in_chunks_commits_to_a_blob_with_the_same_bytes()
    {
        var content = Bytes(300_000, seed: 2);
        var digest = DigestOf(content);
        var upload = NewUploadId();
        await Store.CreateUploadAsync(upload);
        Assert.Equal(0, await Store.StatUploadAsync(upload));

        var offset = 0;
        foreach (var size in new[] { 100_000, 1, 150_000, 49_999 })
        {
            await WriteAsync(upload, offset, content.AsMemory(offset, size));
            offset += size;
            Assert.Equal(offset, await Store.StatUploadAsync(upload));
        }
        await Store.CommitUploadAsync(upload, content.Length, digest);

        Assert.Equal(content.Length, await Store.StatAsync(digest));
        Assert.Equal(content, await ReadBlobAsync(digest));
        Assert.Null(await Store.StatUploadAsync(upload));
    }

    [Fact]
    public async Task An_empty_upload_commits_to_an_empty_blob()
    {
        var digest = DigestOf([]);
        var upload = NewUploadId();
        await Store.CreateUploadAsync(upload);

        await Store.CommitUploadAsync(upload, 0, digest);

        Assert.Equal(0, await Store.StatAsync(digest));
        Assert.Empty(await ReadBlobAsync(digest));
    }

    [Fact]
    public async Task Reopening_the_writer_at_an_earlier_offset_discards_the_partial_tail()
    {
        var upload = NewUploadId();
        await Store.CreateUploadAsync(upload);
        var committedChunk = Bytes(600, seed: 3);
        await WriteAsync(upload, 0, committedChunk);
        await WriteAsync(upload, 600, Bytes(400, seed: 4)); // a chunk the client dropped midway

        await using (await Store.OpenUploadWriterAsync(upload, 600))
            Assert.Equal(600, await Store.StatUploadAsync(upload));
        var retriedChunk = Bytes(50, seed: 5);
        await WriteAsync(upload, 600, retriedChunk);

        byte[] expected = [.. committedChunk, .. retriedChunk];
        Assert.Equal(650, await Store.StatUploadAsync(upload));
        await Store.CommitUploadAsync(upload, expected.Length, DigestOf(expected));
        Assert.Equal(expected, await ReadBlobAsync(DigestOf(expected)));
    }

    [Fact]
    public async Task A_writer_cannot_start_beyond_the_end_of_the_upload()
    {
        var upload = NewUploadId();
        await Store.CreateUploadAsync(upload);
        await WriteAsync(upload, 0, Bytes(10, seed: 6));

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Store.OpenUploadWriterAsync(upload, 11));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Store.OpenUploadWriterAsync(upload, -1));
        Assert.Equal(10, await Store.StatUploadAsync(upload));
    }

    [Fact]
    public async Task Writing_reading_or_committing_an_unknown_upload_throws_UploadNotFound()
    {
        var never = NewUploadId();
        var deleted = NewUploadId();
        await Store.CreateUploadAsync(deleted);
        await Store.DeleteUploadAsync(deleted);

        foreach (var upload in new[] { never, deleted })
        {
            var e = await Assert.ThrowsAsync<UploadNotFoundException>(() => Store.OpenUploadWriterAsync(upload, 0));
            Assert.Equal(upload, e.UploadId);
            await Assert.ThrowsAsync<UploadNotFoundException>(() => Store.OpenUploadReaderAsync(upload, 0));
            await Assert.ThrowsAsync<UploadNotFoundException>(() => Store.CommitUploadAsync(upload, 0, DigestOf([])));
            Assert.Null(await Store.StatUploadAsync(upload));
        }
    }

    [Fact]
    public async Task The_upload_reader_yields_exactly_the_first_N_bytes()
    {
        var content = Bytes(1000, seed: 7);
        var upload = NewUploadId();
        await Store.CreateUploadAsync(upload);
        await WriteAsync(upload, 0, content);

        await using (var reader = await Store.OpenUploadReaderAsync(upload, 400))
            Assert.Equal(content[..400], await ReadToEndAsync(reader));
        await using (var whole = await Store.OpenUploadReaderAsync(upload, 1000))
            Assert.Equal(content, await ReadToEndAsync(whole));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Store.OpenUploadReaderAsync(upload, 1001));
    }

    [Fact]
    public async Task A_blob_does_not_exist_until_its_upload_is_committed()
    {
        var content = Bytes(5000, seed: 8);
        var digest = DigestOf(content);
        var upload = NewUploadId();
        await Store.CreateUploadAsync(upload);
        await WriteAsync(upload, 0, content);

        Assert.Null(await Store.StatAsync(digest));
        Assert.Null(await Store.OpenReadAsync(digest));

        await Store.CommitUploadAsync(upload, content.Length, digest);
        Assert.Equal(content.Length, await Store.StatAsync(digest));
    }

    [Fact]
    public async Task Commit_keeps_only_the_first_length_bytes()
    {
        var content = Bytes(1000, seed: 9);
        var upload = NewUploadId();
        await Store.CreateUploadAsync(upload);
        await WriteAsync(upload, 0, content);

        await Store.CommitUploadAsync(upload, 700, DigestOf(content[..700]));

        Assert.Equal(content[..700], await ReadBlobAsync(DigestOf(content[..700])));
    }

    [Fact]
    public async Task Commit_of_more_bytes_than_written_fails_and_leaves_the_upload_as_it_was()
    {
        var content = Bytes(100, seed: 10);
        var upload = NewUploadId();
        await Store.CreateUploadAsync(upload);
        await WriteAsync(upload, 0, content);

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Store.CommitUploadAsync(upload, 101, DigestOf(content)));

        Assert.Equal(100, await Store.StatUploadAsync(upload));
        Assert.Null(await Store.StatAsync(DigestOf(content)));
    }

    [Fact]
    public async Task Committing_a_digest_the_store_already_holds_keeps_the_blob_and_removes_the_upload()
    {
        var content = Bytes(2000, seed: 11);
        var digest = DigestOf(content);
        await CommitAsync(content);
        var second = NewUploadId();
        await Store.CreateUploadAsync(second);
        await WriteAsync(second, 0, content);

        await Store.CommitUploadAsync(second, content.Length, digest);

        Assert.Null(await Store.StatUploadAsync(second));
        Assert.Equal(content, await ReadBlobAsync(digest));
    }

    [Fact]
    public async Task Concurrent_commits_of_one_digest_from_two_uploads_both_succeed()
    {
        for (var round = 0; round < 20; round++)
        {
            var content = Bytes(64 * 1024, seed: 100 + round);
            var digest = DigestOf(content);
            var uploads = new[] { NewUploadId(), NewUploadId() };
            foreach (var upload in uploads)
            {
                await Store.CreateUploadAsync(upload);
                await WriteAsync(upload, 0, content);
            }

            await Task.WhenAll(uploads.Select(upload => Task.Run(() => Store.CommitUploadAsync(upload, content.Length, digest))));

            Assert.Equal(content, await ReadBlobAsync(digest));
            foreach (var upload in uploads)
                Assert.Null(await Store.StatUploadAsync(upload));
        }
    }

    [Fact]
    public async Task Deleting_an_upload_is_idempotent()
    {
        var upload = NewUploadId();
        await Store.CreateUploadAsync(upload);
        await WriteAsync(upload, 0, Bytes(10, seed: 12));

        await Store.DeleteUploadAsync(upload);
        await Store.DeleteUploadAsync(upload);
        await Store.DeleteUploadAsync(NewUploadId());

        Assert.Null(await Store.StatUploadAsync(upload));
    }

    [Fact] // the readiness probe (/readyz) on a fresh store, and again once it holds data
    public async Task A_working_store_passes_its_check_and_lists_nothing_it_wrote()
    {
        await Store.CheckAsync();
        await CommitAsync(Bytes(10, seed: 31));
        await Store.CheckAsync();

        Assert.Empty(await ListUploadsAsync(DateTimeOffset.UtcNow.AddDays(1)));
    }

    [Fact]
    public async Task A_deleted_blob_is_gone()
    {
        var content = Bytes(10, seed: 13);
        var digest = await CommitAsync(content);

        Assert.True(await Store.DeleteAsync(digest));

        Assert.Null(await Store.StatAsync(digest));
        Assert.Null(await Store.OpenReadAsync(digest));
        Assert.False(await Store.DeleteAsync(digest));
    }

    [Fact]
    public async Task A_blob_stream_is_seekable_for_range_requests()
    {
        var content = Bytes(10_000, seed: 14);
        var digest = await CommitAsync(content);

        await using var stream = await Store.OpenReadAsync(digest);
        Assert.NotNull(stream);
        Assert.True(stream.CanSeek);
        Assert.Equal(content.Length, stream.Length);
        stream.Seek(7_000, SeekOrigin.Begin);
        Assert.Equal(content[7_000..], await ReadToEndAsync(stream));
    }

    [Fact]
    public async Task Uploads_are_listed_only_when_last_written_before_the_cut_off()
    {
        var live = NewUploadId();
        var deleted = NewUploadId();
        await Store.CreateUploadAsync(live);
        await Store.CreateUploadAsync(deleted);
        await WriteAsync(live, 0, Bytes(10, seed: 15));
        await Store.DeleteUploadAsync(deleted);

        // A generous margin keeps this independent of the store's clock and timestamp resolution.
        Assert.DoesNotContain(live, await ListUploadsAsync(DateTimeOffset.UtcNow.AddHours(-1)));
        var listed = await ListUploadsAsync(DateTimeOffset.UtcNow.AddMinutes(1));
        Assert.Contains(live, listed);
        Assert.DoesNotContain(deleted, listed);
    }

    public static TheoryData<string> HostileDigests =>
    [
        "sha256:../../etc", "../x", "sha256:ab/cd", "sha256:..", "sha256:a\\b", "sha256:/etc/passwd", "..:abcd",
        "sha/256:abcd", ".sha256:abcd", "sha256", "sha256:", ":abcd", "", "sha256:ab\0cd",
    ];

    [Theory]
    [MemberData(nameof(HostileDigests))]
    public async Task Digests_that_could_escape_the_store_are_refused(string digest)
    {
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.StatAsync(digest));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.OpenReadAsync(digest));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.DeleteAsync(digest));
        var upload = NewUploadId();
        await Store.CreateUploadAsync(upload);
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.CommitUploadAsync(upload, 0, digest));
        Assert.Equal(0, await Store.StatUploadAsync(upload));
    }

    public static TheoryData<string> HostileUploadIds =>
        ["../x", "..", ".", "a/b", "a\\b", "/tmp", "", "a b", "a.b", "a\0b"];

    [Theory]
    [MemberData(nameof(HostileUploadIds))]
    public async Task Upload_ids_that_could_escape_the_store_are_refused(string upload)
    {
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.CreateUploadAsync(upload));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.OpenUploadWriterAsync(upload, 0));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.StatUploadAsync(upload));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.OpenUploadReaderAsync(upload, 0));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.CommitUploadAsync(upload, 0, DigestOf([])));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.DeleteUploadAsync(upload));
    }

    [Fact]
    public async Task A_64_MiB_blob_streams_in_and_out_without_being_held_in_memory()
    {
        const int blobSize = 64 * MiB;
        const long allowedGrowth = 16 * MiB; // a quarter of the blob: buffers yes, the blob no
        var chunk = new byte[MiB];
        var random = new Random(16);
        using var written = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var upload = NewUploadId();
        await Store.CreateUploadAsync(upload);
        var baseline = GC.GetTotalMemory(forceFullCollection: true);

        await using (var writer = await Store.OpenUploadWriterAsync(upload, 0))
        {
            for (var i = 0; i < blobSize / MiB; i++)
            {
                random.NextBytes(chunk);
                written.AppendData(chunk);
                await writer.WriteAsync(chunk);
            }
            // Measured while the writer is open, so that a store buffering until dispose is caught too.
            Assert.InRange(GC.GetTotalMemory(forceFullCollection: true) - baseline, long.MinValue, allowedGrowth);
        }
        var digest = "sha256:" + Convert.ToHexStringLower(written.GetHashAndReset());
        await Store.CommitUploadAsync(upload, blobSize, digest);

        using var read = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long total = 0;
        await using (var reader = await Store.OpenReadAsync(digest))
        {
            Assert.NotNull(reader);
            int n;
            while ((n = await reader.ReadAsync(chunk)) > 0)
            {
                read.AppendData(chunk, 0, n);
                total += n;
            }
            Assert.InRange(GC.GetTotalMemory(forceFullCollection: true) - baseline, long.MinValue, allowedGrowth);
        }
        Assert.Equal(blobSize, total);
        Assert.Equal(digest, "sha256:" + Convert.ToHexStringLower(read.GetHashAndReset()));
    }

    protected static string NewUploadId() => Guid.NewGuid().ToString("D");

    protected static byte[] Bytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    protected static string DigestOf(byte[] content) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(content));

    protected async Task WriteAsync(string upload, long offset, ReadOnlyMemory<byte> bytes)
    {
        await using var writer = await Store.OpenUploadWriterAsync(upload, offset);
        await writer.WriteAsync(bytes);
    }

    protected async Task<string> CommitAsync(byte[] content)
    {
        var upload = NewUploadId();
        await Store.CreateUploadAsync(upload);
        await WriteAsync(upload, 0, content);
        var digest = DigestOf(content);
        await Store.CommitUploadAsync(upload, content.Length, digest);
        return digest;
    }

    protected async Task<byte[]> ReadBlobAsync(string digest)
    {
        await using var stream = await Store.OpenReadAsync(digest);
        Assert.NotNull(stream);
        return await ReadToEndAsync(stream);
    }

    protected async Task<List<string>> ListUploadsAsync(DateTimeOffset olderThan)
    {
        var uploads = new List<string>();
        await foreach (var upload in Store.ListUploadsAsync(olderThan))
            uploads.Add(upload);
        return uploads;
    }

    private static async Task<byte[]> ReadToEndAsync(Stream stream)
    {
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        return copy.ToArray();
    }
}
