using System.Security.Cryptography;
using OrleansRegistry.Core;
using OrleansRegistry.Storage.Blobs;
using OrleansRegistry.TestSupport;

namespace OrleansRegistry.Storage.Tests.Blobs;

/// <summary>
/// What every <see cref="IBlobStore"/> must do, whatever holds the bytes (as CNCF distribution's storage driver
/// suite). A store's test class derives from this one and supplies a fresh, empty store per test. Only the contract
/// is used here (upload states are the ones the store returned, never made up); what a store shows only in its own
/// medium is tested beside it.
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
        Assert.Null(await Store.OpenReadAsync(digest, 2, 3));
        Assert.False(await Store.DeleteAsync(digest));
    }

    [Fact]
    public async Task An_upload_written_in_chunks_commits_to_a_blob_with_the_same_bytes()
    {
        var content = Bytes(300_000, seed: 2);
        var digest = DigestOf(content);
        var upload = NewUploadId();
        var state = await Store.CreateUploadAsync(upload);
        Assert.Equal(0, state.Size);

        var offset = 0;
        foreach (var size in new[] { 100_000, 1, 150_000, 49_999 })
        {
            state = await WriteAsync(upload, state, content.AsMemory(offset, size));
            offset += size;
            Assert.Equal(offset, state.Size);
        }
        await Store.CommitUploadAsync(upload, state, digest);

        Assert.Equal(content.Length, await Store.StatAsync(digest));
        Assert.Equal(content, await ReadBlobAsync(digest));
        Assert.DoesNotContain(upload, await ListUploadsAsync(DateTimeOffset.UtcNow.AddDays(1)));
    }

    [Fact]
    public async Task A_writer_counts_its_size_from_the_state_and_completes_to_that_size()
    {
        var upload = NewUploadId();
        var state = await WriteAsync(upload, await Store.CreateUploadAsync(upload), Bytes(1000, seed: 20));

        await using var writer = await Store.OpenUploadWriterAsync(upload, state);
        Assert.Equal(1000, writer.Size);
        await writer.WriteAsync(Bytes(10, seed: 21));
        Assert.Equal(1010, writer.Size);
        await writer.WriteAsync(ReadOnlyMemory<byte>.Empty);
        await writer.WriteAsync(Bytes(7 * MiB, seed: 22)); // beyond an object store's minimum part size
        Assert.Equal(1010 + 7 * MiB, writer.Size);

        var completed = await writer.CompleteAsync();

        Assert.Equal(1010 + 7 * MiB, completed.Size);
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await writer.WriteAsync(Bytes(1, seed: 23)));
    }

    [Fact]
    public async Task A_writer_completed_without_writing_leaves_the_upload_as_it_was()
    {
        var content = Bytes(500, seed: 24);
        var upload = NewUploadId();
        var state = await WriteAsync(upload, await Store.CreateUploadAsync(upload), content);

        BlobUploadState again;
        await using (var writer = await Store.OpenUploadWriterAsync(upload, state))
            again = await writer.CompleteAsync();

        Assert.Equal(500, again.Size);
        Assert.Equal(content, await ReadUploadAsync(upload, again));
    }

    [Fact]
    public async Task An_empty_upload_commits_to_an_empty_blob()
    {
        var digest = DigestOf([]);
        var upload = NewUploadId();
        var state = await Store.CreateUploadAsync(upload);

        await Store.CommitUploadAsync(upload, state, digest);

        Assert.Equal(0, await Store.StatAsync(digest));
        Assert.Empty(await ReadBlobAsync(digest));
    }

    [Fact] // a chunk the client dropped midway: the next writer continues from the persisted state
    public async Task What_a_writer_appended_without_completing_is_not_part_of_the_upload()
    {
        var upload = NewUploadId();
        var committedChunk = Bytes(600, seed: 3);
        var state = await WriteAsync(upload, await Store.CreateUploadAsync(upload), committedChunk);
        await using (var dropped = await Store.OpenUploadWriterAsync(upload, state))
        {
            await dropped.WriteAsync(Bytes(400, seed: 4));
            Assert.Equal(1000, dropped.Size);
        }

        Assert.Equal(committedChunk, await ReadUploadAsync(upload, state));
        var retriedChunk = Bytes(50, seed: 5);
        state = await WriteAsync(upload, state, retriedChunk);

        byte[] expected = [.. committedChunk, .. retriedChunk];
        Assert.Equal(650, state.Size);
        Assert.Equal(expected, await ReadUploadAsync(upload, state));
        await Store.CommitUploadAsync(upload, state, DigestOf(expected));
        Assert.Equal(expected, await ReadBlobAsync(DigestOf(expected)));
    }

    [Fact] // a completed chunk whose new state the session failed to persist: the older state is the truth
    public async Task Writing_from_an_earlier_state_discards_what_later_states_held()
    {
        var upload = NewUploadId();
        var first = Bytes(600, seed: 6);
        var earlier = await WriteAsync(upload, await Store.CreateUploadAsync(upload), first);
        var later = await WriteAsync(upload, earlier, Bytes(400, seed: 7));
        Assert.Equal(1000, later.Size);

        var replacement = Bytes(6 * MiB, seed: 8);
        var state = await WriteAsync(upload, earlier, replacement);

        byte[] expected = [.. first, .. replacement];
        Assert.Equal(expected.Length, state.Size);
        Assert.Equal(expected, await ReadUploadAsync(upload, state));
        await Store.CommitUploadAsync(upload, state, DigestOf(expected));
        Assert.Equal(expected, await ReadBlobAsync(DigestOf(expected)));
    }

    [Fact]
    public async Task Writing_reading_or_committing_an_unknown_upload_throws_UploadNotFound()
    {
        var never = NewUploadId();
        var deleted = NewUploadId();
        var deletedState = await Store.CreateUploadAsync(deleted);
        await Store.DeleteUploadAsync(deleted, deletedState);
        var committed = NewUploadId();
        var committedState = await WriteAsync(committed, await Store.CreateUploadAsync(committed), Bytes(10, seed: 9));
        await Store.CommitUploadAsync(committed, committedState, DigestOf(Bytes(10, seed: 9)));

        foreach (var (upload, state) in new[] { (never, new BlobUploadState(0)), (deleted, deletedState), (committed, committedState) })
        {
            var e = await Assert.ThrowsAsync<UploadNotFoundException>(() => Store.OpenUploadWriterAsync(upload, state));
            Assert.Equal(upload, e.UploadId);
            await Assert.ThrowsAsync<UploadNotFoundException>(() => Store.OpenUploadReaderAsync(upload, state));
            await Assert.ThrowsAsync<UploadNotFoundException>(() => Store.CommitUploadAsync(upload, state, DigestOf(Bytes(1, seed: 10))));
        }
        Assert.Null(await Store.StatAsync(DigestOf(Bytes(1, seed: 10))));
    }

    [Fact]
    public async Task The_upload_reader_yields_exactly_the_bytes_of_the_state()
    {
        var content = Bytes(1000, seed: 11);
        var upload = NewUploadId();
        var state = await Store.CreateUploadAsync(upload);
        var first = await WriteAsync(upload, state, content.AsMemory(0, 400));
        var second = await WriteAsync(upload, first, content.AsMemory(400));

        Assert.Empty(await ReadUploadAsync(upload, state));
        Assert.Equal(content[..400], await ReadUploadAsync(upload, first));
        Assert.Equal(content, await ReadUploadAsync(upload, second));
    }

    [Fact]
    public async Task A_blob_does_not_exist_until_its_upload_is_committed()
    {
        var content = Bytes(5000, seed: 12);
        var digest = DigestOf(content);
        var upload = NewUploadId();
        var state = await WriteAsync(upload, await Store.CreateUploadAsync(upload), content);

        Assert.Null(await Store.StatAsync(digest));
        Assert.Null(await Store.OpenReadAsync(digest));

        await Store.CommitUploadAsync(upload, state, digest);
        Assert.Equal(content.Length, await Store.StatAsync(digest));
    }

    [Fact]
    public async Task Commit_keeps_only_the_bytes_of_the_state_it_is_given()
    {
        var content = Bytes(1000, seed: 13);
        var upload = NewUploadId();
        var earlier = await WriteAsync(upload, await Store.CreateUploadAsync(upload), content.AsMemory(0, 700));
        await WriteAsync(upload, earlier, content.AsMemory(700));

        await Store.CommitUploadAsync(upload, earlier, DigestOf(content[..700]));

        Assert.Equal(700, await Store.StatAsync(DigestOf(content[..700])));
        Assert.Equal(content[..700], await ReadBlobAsync(DigestOf(content[..700])));
        Assert.Null(await Store.StatAsync(DigestOf(content)));
    }

    [Fact]
    public async Task Committing_a_digest_the_store_already_holds_keeps_the_blob_and_removes_the_upload()
    {
        var content = Bytes(2000, seed: 14);
        var digest = await CommitAsync(content);
        var second = NewUploadId();
        var state = await WriteAsync(second, await Store.CreateUploadAsync(second), content);

        await Store.CommitUploadAsync(second, state, digest);

        Assert.Equal(content.Length, await Store.StatAsync(digest));
        Assert.Equal(content, await ReadBlobAsync(digest));
        await Assert.ThrowsAsync<UploadNotFoundException>(() => Store.OpenUploadReaderAsync(second, state));
        Assert.DoesNotContain(second, await ListUploadsAsync(DateTimeOffset.UtcNow.AddDays(1)));
    }

    [Fact]
    public async Task Concurrent_commits_of_one_digest_from_two_uploads_both_succeed()
    {
        for (var round = 0; round < 20; round++)
        {
            var content = Bytes(64 * 1024, seed: 100 + round);
            var digest = DigestOf(content);
            var uploads = new List<(string Id, BlobUploadState State)>();
            for (var i = 0; i < 2; i++)
            {
                var upload = NewUploadId();
                uploads.Add((upload, await WriteAsync(upload, await Store.CreateUploadAsync(upload), content)));
            }

            await Task.WhenAll(uploads.Select(u => Task.Run(() => Store.CommitUploadAsync(u.Id, u.State, digest))));

            Assert.Equal(content, await ReadBlobAsync(digest));
            var listed = await ListUploadsAsync(DateTimeOffset.UtcNow.AddDays(1));
            foreach (var (upload, _) in uploads)
                Assert.DoesNotContain(upload, listed);
        }
    }

    [Fact]
    public async Task Deleting_an_upload_is_idempotent_with_or_without_its_state()
    {
        var upload = NewUploadId();
        var state = await WriteAsync(upload, await Store.CreateUploadAsync(upload), Bytes(10, seed: 15));

        await Store.DeleteUploadAsync(upload, state);
        await Store.DeleteUploadAsync(upload, state);
        await Store.DeleteUploadAsync(upload, null);
        await Store.DeleteUploadAsync(NewUploadId(), null);
        await Store.DeleteUploadAsync(NewUploadId(), new BlobUploadState(0));

        await Assert.ThrowsAsync<UploadNotFoundException>(() => Store.OpenUploadReaderAsync(upload, state));
        Assert.DoesNotContain(upload, await ListUploadsAsync(DateTimeOffset.UtcNow.AddDays(1)));
    }

    [Fact] // the expiry sweep: data listed as old, with no session to give its state
    public async Task A_listed_upload_deleted_without_its_state_is_gone()
    {
        var upload = NewUploadId();
        var state = await WriteAsync(upload, await Store.CreateUploadAsync(upload), Bytes(6 * MiB, seed: 16));
        await using (var dropped = await Store.OpenUploadWriterAsync(upload, state))
            await dropped.WriteAsync(Bytes(100, seed: 17)); // and a tail never completed
        Assert.Contains(upload, await ListUploadsAsync(DateTimeOffset.UtcNow.AddMinutes(1)));

        await Store.DeleteUploadAsync(upload, null);

        Assert.DoesNotContain(upload, await ListUploadsAsync(DateTimeOffset.UtcNow.AddDays(1)));
        await Assert.ThrowsAsync<UploadNotFoundException>(() => Store.OpenUploadReaderAsync(upload, state));
        await Assert.ThrowsAsync<UploadNotFoundException>(() => Store.OpenUploadWriterAsync(upload, state));
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
        var content = Bytes(10, seed: 18);
        var digest = await CommitAsync(content);

        Assert.True(await Store.DeleteAsync(digest));

        Assert.Null(await Store.StatAsync(digest));
        Assert.Null(await Store.OpenReadAsync(digest));
        Assert.False(await Store.DeleteAsync(digest));
    }

    [Fact] // range requests (end-2): the store reads the range, the caller never seeks
    public async Task A_blob_is_read_by_byte_range()
    {
        var content = Bytes(10_000, seed: 19);
        var digest = await CommitAsync(content);

        Assert.Equal(content[7_000..], await ReadBlobAsync(digest, 7_000));
        Assert.Equal(content[7_000..7_010], await ReadBlobAsync(digest, 7_000, 10));
        Assert.Equal(content[..1], await ReadBlobAsync(digest, 0, 1));
        Assert.Equal(content[9_999..], await ReadBlobAsync(digest, 9_999, 1));
        Assert.Equal(content, await ReadBlobAsync(digest, 0, 10_000));
        Assert.Empty(await ReadBlobAsync(digest, 10_000));
        Assert.Empty(await ReadBlobAsync(digest, 500, 0));
    }

    [Fact]
    public async Task A_range_beyond_the_blob_is_refused()
    {
        var digest = await CommitAsync(Bytes(100, seed: 25));

        foreach (var (offset, length) in new (long, long?)[] { (-1, null), (101, null), (0, 101), (99, 2), (50, -1), (101, 0) })
            await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Store.OpenReadAsync(digest, offset, length));
    }

    [Fact]
    public async Task Uploads_are_listed_only_when_last_written_before_the_cut_off()
    {
        var live = NewUploadId();
        var deleted = NewUploadId();
        var liveState = await Store.CreateUploadAsync(live);
        var deletedState = await Store.CreateUploadAsync(deleted);
        await WriteAsync(live, liveState, Bytes(10, seed: 26));
        await Store.DeleteUploadAsync(deleted, deletedState);

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

    [Theory] // a hostile string never becomes a digest; one constructed around the parser is refused by the store
    [MemberData(nameof(HostileDigests))]
    public async Task Digests_that_could_escape_the_store_are_refused(string text)
    {
        Assert.False(Digest.TryParse(text, out _));
        Assert.Throws<RegistryException>(() => Digest.Parse(text));

        var digest = Unparsed(text);
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.StatAsync(digest));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.OpenReadAsync(digest));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.DeleteAsync(digest));
        var upload = NewUploadId();
        var content = Bytes(10, seed: 27);
        var state = await WriteAsync(upload, await Store.CreateUploadAsync(upload), content);
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.CommitUploadAsync(upload, state, digest));
        Assert.Equal(content, await ReadUploadAsync(upload, state));
    }

    [Fact] // default(Digest) has no parts at all
    public async Task The_empty_digest_value_is_refused()
    {
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.StatAsync(default));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.OpenReadAsync(default));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.DeleteAsync(default));
    }

    public static TheoryData<string> HostileUploadIds =>
        ["../x", "..", ".", "a/b", "a\\b", "/tmp", "", "a b", "a.b", "a\0b"];

    [Theory]
    [MemberData(nameof(HostileUploadIds))]
    public async Task Upload_ids_that_could_escape_the_store_are_refused(string upload)
    {
        var state = new BlobUploadState(0);
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.CreateUploadAsync(upload));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.OpenUploadWriterAsync(upload, state));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.OpenUploadReaderAsync(upload, state));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.CommitUploadAsync(upload, state, DigestOf([])));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.DeleteUploadAsync(upload, state));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.DeleteUploadAsync(upload, null));
    }

    [Fact]
    public async Task A_64_MiB_blob_streams_in_and_out_without_being_held_in_memory()
    {
        const int blobSize = 64 * MiB;
        const long allowedGrowth = 16 * MiB; // a quarter of the blob: buffers (an object store's part) yes, the blob no
        var chunk = new byte[MiB];
        var random = new Random(16);
        using var written = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var upload = NewUploadId();
        var state = await Store.CreateUploadAsync(upload);
        var baseline = GC.GetTotalMemory(forceFullCollection: true);

        await using (var writer = await Store.OpenUploadWriterAsync(upload, state))
        {
            for (var i = 0; i < blobSize / MiB; i++)
            {
                random.NextBytes(chunk);
                written.AppendData(chunk);
                await writer.WriteAsync(chunk);
            }
            // Measured while the writer is open, so that a store buffering until completion is caught too.
            Assert.InRange(GC.GetTotalMemory(forceFullCollection: true) - baseline, long.MinValue, allowedGrowth);
            state = await writer.CompleteAsync();
        }
        Assert.Equal(blobSize, state.Size);
        var digest = new Digest(Digest.Sha256, Convert.ToHexStringLower(written.GetHashAndReset()));
        await Store.CommitUploadAsync(upload, state, digest);

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
        Assert.Equal(digest, new Digest(Digest.Sha256, Convert.ToHexStringLower(read.GetHashAndReset())));
    }

    [Fact] // a mirror fetch streams what arrived: completed bytes are readable while the next writer appends
    public async Task Completed_bytes_of_an_upload_are_readable_while_a_writer_appends_where_the_store_says_so()
    {
        var first = Bytes(200_000, seed: 40);
        var second = Bytes(100_000, seed: 41);
        var upload = NewUploadId();
        var state = await WriteAsync(upload, await Store.CreateUploadAsync(upload), first);
        if (!Store.ReadsUnfinishedUploads)
        {
            await Assert.ThrowsAsync<NotSupportedException>(() => Store.OpenUploadRangeAsync(upload, 0, state.Size));
            return;
        }

        await using var writer = await Store.OpenUploadWriterAsync(upload, state);
        await writer.WriteAsync(second[..50_000]);
        await using (var read = await Store.OpenUploadRangeAsync(upload, 1_000, 150_000))
            Assert.Equal(first[1_000..151_000], await ReadToEndAsync(read));
        await writer.WriteAsync(second[50_000..]);
        state = await writer.CompleteAsync();

        await using var tail = await Store.OpenUploadRangeAsync(upload, 150_000, state.Size - 150_000);
        byte[] whole = [.. first, .. second];
        await Store.CommitUploadAsync(upload, state, DigestOf(whole));
        // A reader that opened before the commit still reads its range; after it the data is the blob's.
        Assert.Equal(whole[150_000..], await ReadToEndAsync(tail));
        await Assert.ThrowsAsync<UploadNotFoundException>(() => Store.OpenUploadRangeAsync(upload, 0, 10));
    }

    protected static string NewUploadId() => Guid.NewGuid().ToString("D");

    protected static byte[] Bytes(int length, int seed) => TestData.RandomBytes(length, seed);

    protected static Digest DigestOf(byte[] content) => Digest.Compute(content);

    /// <summary>
    /// <paramref name="text"/> as a digest built without the parser, split at its first ':' (none: all algorithm),
    /// which is how a hostile value could still reach a store.
    /// </summary>
    protected static Digest Unparsed(string text)
    {
        var colon = text.IndexOf(':');
        return colon < 0 ? new Digest(text, "") : new Digest(text[..colon], text[(colon + 1)..]);
    }

    /// <summary>Appends <paramref name="bytes"/> with one writer and returns the upload's new state.</summary>
    protected async Task<BlobUploadState> WriteAsync(string upload, BlobUploadState state, ReadOnlyMemory<byte> bytes)
    {
        await using var writer = await Store.OpenUploadWriterAsync(upload, state);
        await writer.WriteAsync(bytes);
        return await writer.CompleteAsync();
    }

    protected async Task<Digest> CommitAsync(byte[] content)
    {
        var upload = NewUploadId();
        var state = await WriteAsync(upload, await Store.CreateUploadAsync(upload), content);
        var digest = DigestOf(content);
        await Store.CommitUploadAsync(upload, state, digest);
        return digest;
    }

    protected async Task<byte[]> ReadBlobAsync(Digest digest, long offset = 0, long? length = null)
    {
        await using var stream = await Store.OpenReadAsync(digest, offset, length);
        Assert.NotNull(stream);
        return await ReadToEndAsync(stream);
    }

    protected async Task<byte[]> ReadUploadAsync(string upload, BlobUploadState state)
    {
        await using var stream = await Store.OpenUploadReaderAsync(upload, state);
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
