using Amazon.S3.Model;
using OrleansRegistry.Storage.Blobs;
using OrleansRegistry.Storage.Blobs.S3;
using OrleansRegistry.TestSupport.S3;

namespace OrleansRegistry.Storage.Tests.Blobs;

/// <summary>
/// The driver suite against the S3 store on moto (one server and bucket per class, a fresh key prefix per test), and
/// what only S3 shows: parts of at least 5 MiB from small chunks, the tail object, the multipart copy, the completed
/// multipart upload a reader leaves, no multipart upload left behind by an abandoned upload.
/// </summary>
[Collection(Alone)]
public sealed class S3BlobStoreTests : BlobStoreConformanceTests, IClassFixture<S3Fixture>, IDisposable
{
    /// <summary>
    /// The suite's memory test reads the process's whole managed heap: this class's parts (and other classes' data)
    /// must not be allocated beside another class's measurement, so it runs when no other class does.
    /// </summary>
    public const string Alone = "S3 blob store, alone";

    private const int MiB = 1024 * 1024;

    private readonly S3Fixture _s3;
    private readonly string _prefix = $"test-{Guid.NewGuid():N}";
    private readonly List<S3BlobStore> _stores = [];

    public S3BlobStoreTests(S3Fixture s3)
    {
        _s3 = s3;
        Store = NewStore();
    }

    protected override IBlobStore Store { get; }

    private S3BlobStore NewStore(Action<S3BlobStoreOptions>? configure = null)
    {
        var options = _s3.Options(_prefix);
        configure?.Invoke(options);
        var store = new S3BlobStore(S3ClientFactory.Create(options), options);
        _stores.Add(store);
        return store;
    }

    [Fact]
    public async Task Small_chunks_become_parts_of_at_least_5_MiB_and_a_tail_object()
    {
        var store = NewStore(o => o.PartSize = 5 * MiB);
        var content = Bytes(13 * MiB + 333, seed: 40);
        var upload = NewUploadId();
        var state = await store.CreateUploadAsync(upload);
        for (var offset = 0; offset < content.Length; offset += MiB)
        {
            await using var writer = await store.OpenUploadWriterAsync(upload, state);
            await writer.WriteAsync(content.AsMemory(offset, Math.Min(MiB, content.Length - offset)));
            state = await writer.CompleteAsync();
        }

        var parts = await PartsAsync(upload);
        Assert.Equal([5 * MiB, 5 * MiB], parts.Select(p => p.Size ?? 0));
        var tails = (await ObjectsAsync($"{_prefix}/uploads/{upload}/tail-")).ToList();
        Assert.Contains(tails, t => t.Size == content.Length - 10 * MiB);
        Assert.Equal(content, await ReadUploadAsync(store, upload, state));

        await store.CommitUploadAsync(upload, state, DigestOf(content));
        Assert.Equal(content, await ReadBlobAsync(DigestOf(content)));
        Assert.Empty(await MultipartUploadsAsync());
        Assert.Empty(await ObjectsAsync($"{_prefix}/uploads/"));
        Assert.All(await ObjectsAsync(""), o => Assert.StartsWith($"{_prefix}/blobs/sha256/", o.Key));
    }

    [Fact]
    public async Task A_blob_above_the_copy_threshold_is_copied_part_by_part()
    {
        var store = NewStore(o => { o.MultipartCopyThreshold = 6 * MiB; o.CopyPartSize = 5 * MiB; });
        var content = Bytes(12 * MiB + 7, seed: 41);
        var upload = NewUploadId();
        var state = await WriteAsync(store, upload, await store.CreateUploadAsync(upload), content);

        await store.CommitUploadAsync(upload, state, DigestOf(content));

        Assert.Equal(content, await ReadBlobAsync(DigestOf(content)));
        // A multipart object's ETag ends in -<parts>: 5 MiB, 5 MiB and the last 2 MiB.
        var head = await _s3.Client.GetObjectMetadataAsync(_s3.Bucket, $"{_prefix}/{BlobStoreLayout.BlobKey(DigestOf(content))}");
        Assert.EndsWith("-3\"", head.ETag);
        Assert.Empty(await MultipartUploadsAsync());
    }

    [Fact] // a re-reading finish completes the multipart upload; a writer after it starts a new one from that object
    public async Task An_upload_read_back_can_still_be_appended_to_and_committed()
    {
        const int firstSize = 4 * MiB;
        var first = Bytes(firstSize + 5 * MiB, seed: 42);
        var upload = NewUploadId();
        var created = await Store.CreateUploadAsync(upload);
        var state = await WriteAsync(upload, created, first.AsMemory(0, firstSize));
        state = await WriteAsync(upload, state, first.AsMemory(firstSize));
        Assert.Equal(first, await ReadUploadAsync(upload, state));

        var more = Bytes(1000, seed: 43);
        state = await WriteAsync(upload, state, more);
        byte[] content = [.. first, .. more];
        Assert.Equal(content, await ReadUploadAsync(upload, state));

        await Store.CommitUploadAsync(upload, state, DigestOf(content));
        Assert.Equal(content, await ReadBlobAsync(DigestOf(content)));
        Assert.Empty(await MultipartUploadsAsync());
    }

    [Fact] // the expiry sweep: listed as old, deleted without a state
    public async Task An_abandoned_upload_deleted_on_expiry_leaves_no_multipart_upload_and_no_object()
    {
        var upload = NewUploadId();
        var state = await WriteAsync(upload, await Store.CreateUploadAsync(upload), Bytes(6 * MiB + 10, seed: 44));
        await WriteAsync(upload, state, Bytes(100, seed: 45));
        Assert.NotEmpty(await MultipartUploadsAsync());

        await foreach (var old in Store.ListUploadsAsync(DateTimeOffset.UtcNow.AddMinutes(1)))
            await Store.DeleteUploadAsync(old, null);

        Assert.Empty(await MultipartUploadsAsync());
        Assert.Empty(await ObjectsAsync($"{_prefix}/uploads/"));
    }

    [Fact]
    public async Task A_store_without_a_bucket_fails_its_check()
    {
        var options = _s3.Options(_prefix);
        options.Bucket = $"missing-{Guid.NewGuid():N}";
        using var store = new S3BlobStore(S3ClientFactory.Create(options), options);

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => store.CheckAsync());
        Assert.Contains(options.Bucket, e.Message);
    }

    [Fact]
    public void Parts_under_5_MiB_are_refused_at_start()
    {
        var options = _s3.Options();
        options.PartSize = 4 * MiB;
        var e = Assert.Throws<InvalidOperationException>(() => new S3BlobStore(S3ClientFactory.Create(options), options));
        Assert.Contains("PartSize", e.Message);
    }

    private async Task<BlobUploadState> WriteAsync(IBlobStore store, string upload, BlobUploadState state, ReadOnlyMemory<byte> bytes)
    {
        await using var writer = await store.OpenUploadWriterAsync(upload, state);
        await writer.WriteAsync(bytes);
        return await writer.CompleteAsync();
    }

    private static async Task<byte[]> ReadUploadAsync(IBlobStore store, string upload, BlobUploadState state)
    {
        await using var stream = await store.OpenUploadReaderAsync(upload, state);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        return copy.ToArray();
    }

    private async Task<List<MultipartUpload>> MultipartUploadsAsync() =>
        (await _s3.Client.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = _s3.Bucket, Prefix = $"{_prefix}/" }))
        .MultipartUploads ?? [];

    private async Task<List<PartDetail>> PartsAsync(string upload)
    {
        var multipart = Assert.Single(await MultipartUploadsAsync(), u => u.Key == $"{_prefix}/uploads/{upload}/data");
        var parts = await _s3.Client.ListPartsAsync(new ListPartsRequest { BucketName = _s3.Bucket, Key = multipart.Key, UploadId = multipart.UploadId });
        return parts.Parts ?? [];
    }

    private async Task<IEnumerable<S3Object>> ObjectsAsync(string prefix) =>
        (await _s3.Client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = _s3.Bucket, Prefix = prefix.Length == 0 ? $"{_prefix}/" : prefix }))
        .S3Objects ?? [];

    public void Dispose()
    {
        foreach (var store in _stores) store.Dispose();
    }
}

[CollectionDefinition(S3BlobStoreTests.Alone, DisableParallelization = true)]
public sealed class S3BlobStoreCollection;
