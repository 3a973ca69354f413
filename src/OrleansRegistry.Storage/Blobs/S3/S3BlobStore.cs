using System.Net;
using System.Runtime.CompilerServices;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Digest = OrleansRegistry.Core.Digest;

namespace OrleansRegistry.Storage.Blobs.S3;

/// <summary>
/// Blob store in an S3 bucket, keyed by <see cref="BlobStoreLayout"/> under the optional prefix. An upload is one
/// multipart upload at <c>uploads/&lt;id&gt;/data</c>, plus a small tail object (<c>uploads/&lt;id&gt;/tail-…</c>) for
/// the last bytes of a writer too few for a part, and a marker object (<c>uploads/&lt;id&gt;/created</c>) whose time
/// the expiry sweep reads. The parts, ETags and tail are the upload's <see cref="BlobUploadState.Resume"/>, so any silo
/// continues it. Commit completes the multipart upload (the tail copied in as the last part) and copies the object
/// server-side to the digest key (part by part above <see cref="S3BlobStoreOptions.MultipartCopyThreshold"/>).
/// S3 cannot tell that two writers append at once: the session grain's lease is what keeps them apart.
/// </summary>
public sealed class S3BlobStore : IBlobStore, IDisposable
{
    private const string MarkerName = "created";
    private const string TailPrefix = "tail-";
    private const int DeleteBatch = 1000; // DeleteObjects' limit

    private readonly IAmazonS3 _s3;
    private readonly string _bucket;
    private readonly string _prefix;

    public S3BlobStore(IAmazonS3 s3, S3BlobStoreOptions options)
    {
        options.Validate();
        _s3 = s3;
        Options = options;
        _bucket = options.Bucket;
        _prefix = options.KeyPrefix;
    }

    internal S3BlobStoreOptions Options { get; }

    private string BlobKey(Digest digest) => _prefix + BlobStoreLayout.BlobKey(digest);
    private string UploadPrefix(string uploadId) => _prefix + BlobStoreLayout.UploadPrefix(uploadId);
    private string DataKey(string uploadId) => _prefix + BlobStoreLayout.UploadDataKey(uploadId);
    private string UploadObjectKey(string uploadId, string name) => UploadPrefix(uploadId) + name;

    public async Task<long?> StatAsync(Digest digest, CancellationToken ct = default) => await SizeOfAsync(BlobKey(digest), ct);

    public async Task<Stream?> OpenReadAsync(Digest digest, long offset = 0, long? length = null, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        if (length is < 0) throw new ArgumentOutOfRangeException(nameof(length), length, "negative length");
        var key = BlobKey(digest);
        if (offset == 0 && length is null) return await GetAsync(key, null, ct);

        // A range is checked against the size first: S3 answers a range past the end with 416 or shortens it.
        if (await SizeOfAsync(key, ct) is not { } size) return null;
        if (offset > size) throw new ArgumentOutOfRangeException(nameof(offset), offset, $"the blob holds {size} bytes");
        var count = length ?? size - offset;
        if (offset + count > size) throw new ArgumentOutOfRangeException(nameof(length), length, $"the blob holds {size} bytes");
        if (count == 0) return Stream.Null;
        return await GetAsync(key, new ByteRange(offset, offset + count - 1), ct);
    }

    public async Task<bool> DeleteAsync(Digest digest, CancellationToken ct = default)
    {
        var key = BlobKey(digest);
        // S3's delete answers the same whether or not the object was there.
        if (await SizeOfAsync(key, ct) is null) return false;
        await _s3.DeleteObjectAsync(_bucket, key, ct);
        return true;
    }

    public async Task<BlobUploadState> CreateUploadAsync(string uploadId, CancellationToken ct = default)
    {
        // The marker's time is the upload's start for ListUploadsAsync (not every S3 server dates multipart uploads).
        await PutAsync(UploadObjectKey(uploadId, MarkerName), ReadOnlyMemory<byte>.Empty, ct);
        var multipart = await _s3.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = _bucket, Key = DataKey(uploadId) }, ct);
        return new BlobUploadState(0, new S3UploadResume(multipart.UploadId, [], null).Encode());
    }

    public async Task<IBlobUploadWriter> OpenUploadWriterAsync(string uploadId, BlobUploadState state, CancellationToken ct = default)
    {
        var resume = Decode(uploadId, state);
        if (!await IsOpenAsync(uploadId, state, resume, ct))
            resume = await ReopenCompletedAsync(uploadId, state, ct);
        return await S3UploadWriter.OpenAsync(this, uploadId, state, resume, ct);
    }

    // The parts of a multipart upload cannot be read before it is completed, and completing ends the appending.
    public bool ReadsUnfinishedUploads => false;

    public Task<Stream> OpenUploadRangeAsync(string uploadId, long offset, long length, CancellationToken ct = default) =>
        throw new NotSupportedException("S3 cannot read an unfinished multipart upload; read the blob once committed");

    public async Task<Stream> OpenUploadReaderAsync(string uploadId, BlobUploadState state, CancellationToken ct = default)
    {
        var resume = Decode(uploadId, state);
        var open = await IsOpenAsync(uploadId, state, resume, ct);
        if (resume.Parts.Count == 0)
        {
            if (resume.Tail is not { } tail) return Stream.Null;
            return await GetAsync(UploadObjectKey(uploadId, tail.Name), new ByteRange(0, tail.Size - 1), ct)
                ?? throw new UploadNotFoundException(uploadId);
        }
        // S3 reads no part of an unfinished multipart upload: complete it into the data object and read that. The
        // state keeps naming the finished multipart upload; writers and commit recognise it by the data object's size.
        var data = await CompleteDataAsync(uploadId, state, resume, open, ct);
        return await GetAsync(data, new ByteRange(0, state.Size - 1), ct) ?? throw new UploadNotFoundException(uploadId);
    }

    public async Task CommitUploadAsync(string uploadId, BlobUploadState state, Digest digest, CancellationToken ct = default)
    {
        var blobKey = BlobKey(digest);
        var resume = Decode(uploadId, state);
        var open = await IsOpenAsync(uploadId, state, resume, ct);
        // Content addressing: a blob already there holds these very bytes.
        if (await SizeOfAsync(blobKey, ct) is null)
        {
            if (state.Size == 0)
            {
                await PutAsync(blobKey, ReadOnlyMemory<byte>.Empty, ct);
            }
            else if (resume.Parts.Count == 0 && resume.Tail is { } tail)
            {
                // A small blob is its tail object alone.
                try
                {
                    await _s3.CopyObjectAsync(new CopyObjectRequest
                    {
                        SourceBucket = _bucket, SourceKey = UploadObjectKey(uploadId, tail.Name), DestinationBucket = _bucket, DestinationKey = blobKey,
                    }, ct);
                }
                catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
                {
                    throw new UploadNotFoundException(uploadId);
                }
            }
            else
            {
                var data = await CompleteDataAsync(uploadId, state, resume, open, ct);
                await CopyAsync(data, blobKey, state.Size, ct);
            }
        }
        await DeleteUploadAsync(uploadId, state, ct);
    }

    public async Task DeleteUploadAsync(string uploadId, BlobUploadState? state, CancellationToken ct = default)
    {
        var prefix = UploadPrefix(uploadId);
        // Every multipart upload under the prefix: the state's, and any a writer opened on a completed one and dropped.
        await foreach (var (key, multipartId, _) in ListMultipartUploadsAsync(prefix, ct))
            await AbortAsync(key, multipartId, ct);
        if (state?.Resume is { Length: > 0 })
        {
            var resume = Decode(uploadId, state);
            await AbortAsync(DataKey(uploadId), resume.MultipartId, ct);
        }
        var keys = new List<string>();
        await foreach (var (key, _) in ListObjectsAsync(prefix, ct)) keys.Add(key);
        foreach (var batch in keys.Chunk(DeleteBatch))
            await _s3.DeleteObjectsAsync(new DeleteObjectsRequest
            {
                BucketName = _bucket, Objects = batch.Select(k => new KeyVersion { Key = k }).ToList(),
            }, ct);
    }

    public async IAsyncEnumerable<string> ListUploadsAsync(DateTimeOffset olderThan, [EnumeratorCancellation] CancellationToken ct = default)
    {
        var uploadsPrefix = _prefix + BlobStoreLayout.UploadsPrefix;
        // An upload was last written when its newest object or multipart upload was.
        var lastWritten = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        void Note(string key, DateTimeOffset when)
        {
            var slash = key.IndexOf('/', uploadsPrefix.Length);
            if (slash < 0) return;
            var id = key[uploadsPrefix.Length..slash];
            if (!BlobStoreKeys.IsUploadId(id)) return;
            lastWritten[id] = lastWritten.TryGetValue(id, out var seen) && seen > when ? seen : when;
        }
        await foreach (var (key, modified) in ListObjectsAsync(uploadsPrefix, ct)) Note(key, modified);
        await foreach (var (key, _, initiated) in ListMultipartUploadsAsync(uploadsPrefix, ct)) Note(key, initiated);
        foreach (var (id, when) in lastWritten)
            if (when < olderThan) yield return id;
    }

    /// <summary>The bucket takes writes and deletes now: a probe object is put and removed.</summary>
    public async Task CheckAsync(CancellationToken ct = default)
    {
        // '.' keeps the probe out of ListUploadsAsync (no upload id has one).
        var key = $"{_prefix}{BlobStoreLayout.UploadsPrefix}.probe-{Guid.NewGuid():N}";
        try
        {
            await PutAsync(key, new byte[] { 0 }, ct);
            await _s3.DeleteObjectAsync(_bucket, key, ct);
        }
        catch (AmazonServiceException e)
        {
            throw new InvalidOperationException($"S3 bucket {_bucket} does not take writes: {e.ErrorCode} {e.Message}", e);
        }
    }

    // --- for the writer ---

    internal async Task<string> UploadPartAsync(string uploadId, string multipartId, int number, ReadOnlyMemory<byte> data, CancellationToken ct)
    {
        var stream = AsStream(data);
        try
        {
            var response = await _s3.UploadPartAsync(new UploadPartRequest
            {
                BucketName = _bucket, Key = DataKey(uploadId), UploadId = multipartId, PartNumber = number, InputStream = stream,
            }, ct);
            return response.ETag;
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            throw new UploadNotFoundException(uploadId);
        }
    }

    /// <summary>Stores a writer's last bytes under a name of their own: the state they replace may still be the upload's.</summary>
    internal async Task<S3UploadTail> WriteTailAsync(string uploadId, ReadOnlyMemory<byte> data, CancellationToken ct)
    {
        var tail = new S3UploadTail($"{TailPrefix}{Guid.NewGuid():N}", data.Length);
        await PutAsync(UploadObjectKey(uploadId, tail.Name), data, ct);
        return tail;
    }

    /// <summary>Reads a (small) object of the upload into <paramref name="buffer"/>; returns its length.</summary>
    internal async Task<int> ReadUploadObjectAsync(string uploadId, S3UploadTail tail, byte[] buffer, CancellationToken ct)
    {
        if (tail.Size == 0) return 0;
        await using var stream = await GetAsync(UploadObjectKey(uploadId, tail.Name), new ByteRange(0, tail.Size - 1), ct)
            ?? throw new UploadNotFoundException(uploadId);
        await stream.ReadExactlyAsync(buffer.AsMemory(0, (int)tail.Size), ct);
        return (int)tail.Size;
    }

    // --- helpers ---

    /// <summary>
    /// The upload's data as one object: its multipart upload completed (the tail copied in as the last part), or the
    /// object an earlier completion left (then its size must be the state's). Returns the object's key.
    /// </summary>
    private async Task<string> CompleteDataAsync(string uploadId, BlobUploadState state, S3UploadResume resume, bool open, CancellationToken ct)
    {
        var dataKey = DataKey(uploadId);
        if (open)
        {
            var etags = resume.Parts.Select(p => new PartETag(p.Number, p.ETag)).ToList();
            if (resume.Tail is { } tail)
            {
                var number = resume.LastPartNumber + 1;
                var copied = await _s3.CopyPartAsync(new CopyPartRequest
                {
                    SourceBucket = _bucket, SourceKey = UploadObjectKey(uploadId, tail.Name),
                    DestinationBucket = _bucket, DestinationKey = dataKey, UploadId = resume.MultipartId, PartNumber = number,
                }, ct);
                etags.Add(new PartETag(number, copied.ETag));
            }
            await _s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
            {
                BucketName = _bucket, Key = dataKey, UploadId = resume.MultipartId, PartETags = etags,
            }, ct);
        }
        var size = await SizeOfAsync(dataKey, ct) ?? throw new UploadNotFoundException(uploadId);
        if (size != state.Size)
            throw new InvalidOperationException($"upload {uploadId}: its data object holds {size} bytes, the state says {state.Size}");
        return dataKey;
    }

    /// <summary>
    /// A writer's start when the state's multipart upload was completed into the data object (a reader needed it):
    /// a new multipart upload at the data key that begins with that object, copied in as part 1 server-side (it is at
    /// least 5 MiB: only an upload with parts is ever completed).
    /// </summary>
    private async Task<S3UploadResume> ReopenCompletedAsync(string uploadId, BlobUploadState state, CancellationToken ct)
    {
        var dataKey = DataKey(uploadId);
        var multipart = await _s3.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = _bucket, Key = dataKey }, ct);
        var copied = await _s3.CopyPartAsync(new CopyPartRequest
        {
            SourceBucket = _bucket, SourceKey = dataKey, DestinationBucket = _bucket, DestinationKey = dataKey,
            UploadId = multipart.UploadId, PartNumber = 1,
        }, ct);
        return new S3UploadResume(multipart.UploadId, [new S3UploadPart(1, state.Size, copied.ETag)], null);
    }

    /// <summary>Server-side copy: one CopyObject up to the threshold, else a multipart upload of copied ranges.</summary>
    private async Task CopyAsync(string source, string destination, long size, CancellationToken ct)
    {
        if (size <= Options.MultipartCopyThreshold)
        {
            await _s3.CopyObjectAsync(new CopyObjectRequest { SourceBucket = _bucket, SourceKey = source, DestinationBucket = _bucket, DestinationKey = destination }, ct);
            return;
        }
        var multipart = await _s3.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = _bucket, Key = destination }, ct);
        try
        {
            var etags = new List<PartETag>();
            var number = 1;
            for (long first = 0; first < size; first += Options.CopyPartSize, number++)
            {
                var last = Math.Min(first + Options.CopyPartSize, size) - 1;
                var copied = await _s3.CopyPartAsync(new CopyPartRequest
                {
                    SourceBucket = _bucket, SourceKey = source, DestinationBucket = _bucket, DestinationKey = destination,
                    UploadId = multipart.UploadId, PartNumber = number, FirstByte = first, LastByte = last,
                }, ct);
                etags.Add(new PartETag(number, copied.ETag));
            }
            await _s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
            {
                BucketName = _bucket, Key = destination, UploadId = multipart.UploadId, PartETags = etags,
            }, ct);
        }
        catch
        {
            await AbortAsync(destination, multipart.UploadId, CancellationToken.None);
            throw;
        }
    }

    /// <summary>
    /// Whether the state's multipart upload is still open (false: a reader completed it into the data object, which
    /// holds the state's bytes); <see cref="UploadNotFoundException"/> when it is neither (deleted or committed).
    /// </summary>
    private async Task<bool> IsOpenAsync(string uploadId, BlobUploadState state, S3UploadResume resume, CancellationToken ct)
    {
        try
        {
            await _s3.ListPartsAsync(new ListPartsRequest { BucketName = _bucket, Key = DataKey(uploadId), UploadId = resume.MultipartId, MaxParts = 1 }, ct);
            return true;
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            if (resume.Parts.Count > 0 && await SizeOfAsync(DataKey(uploadId), ct) == state.Size) return false;
            throw new UploadNotFoundException(uploadId);
        }
    }

    /// <summary>The store's resume state of an upload, its id checked first (a hostile id is an argument error).</summary>
    private static S3UploadResume Decode(string uploadId, BlobUploadState state)
    {
        BlobStoreKeys.CheckUploadId(uploadId);
        return S3UploadResume.Decode(uploadId, state);
    }

    private async Task AbortAsync(string key, string multipartId, CancellationToken ct)
    {
        try { await _s3.AbortMultipartUploadAsync(_bucket, key, multipartId, ct); }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound) { }
    }

    private async Task<long?> SizeOfAsync(string key, CancellationToken ct)
    {
        try
        {
            var head = await _s3.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = _bucket, Key = key }, ct);
            return head.ContentLength;
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>The object's bytes (a range of them), streamed; null when there is no such object.</summary>
    private async Task<Stream?> GetAsync(string key, ByteRange? range, CancellationToken ct)
    {
        try
        {
            var response = await _s3.GetObjectAsync(new GetObjectRequest { BucketName = _bucket, Key = key, ByteRange = range }, ct);
            return response.ResponseStream;
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    private Task PutAsync(string key, ReadOnlyMemory<byte> data, CancellationToken ct) =>
        _s3.PutObjectAsync(new PutObjectRequest { BucketName = _bucket, Key = key, InputStream = AsStream(data), AutoCloseStream = true }, ct);

    private async IAsyncEnumerable<(string Key, DateTimeOffset Modified)> ListObjectsAsync(string prefix, [EnumeratorCancellation] CancellationToken ct)
    {
        var request = new ListObjectsV2Request { BucketName = _bucket, Prefix = prefix };
        ListObjectsV2Response page;
        do
        {
            page = await _s3.ListObjectsV2Async(request, ct);
            foreach (var o in page.S3Objects ?? [])
                yield return (o.Key, o.LastModified is { } modified ? new DateTimeOffset(modified) : DateTimeOffset.MinValue);
            request.ContinuationToken = page.NextContinuationToken;
        } while (page.IsTruncated == true);
    }

    private async IAsyncEnumerable<(string Key, string MultipartId, DateTimeOffset Initiated)> ListMultipartUploadsAsync(
        string prefix, [EnumeratorCancellation] CancellationToken ct)
    {
        var request = new ListMultipartUploadsRequest { BucketName = _bucket, Prefix = prefix };
        ListMultipartUploadsResponse page;
        do
        {
            page = await _s3.ListMultipartUploadsAsync(request, ct);
            foreach (var u in page.MultipartUploads ?? [])
                yield return (u.Key, u.UploadId, u.Initiated is { } initiated ? new DateTimeOffset(initiated) : DateTimeOffset.MinValue);
            request.KeyMarker = page.NextKeyMarker;
            request.UploadIdMarker = page.NextUploadIdMarker;
        } while (page.IsTruncated == true);
    }

    // The SDK reads the part from a seekable stream over the pooled buffer: no copy of the bytes.
    private static MemoryStream AsStream(ReadOnlyMemory<byte> data) =>
        System.Runtime.InteropServices.MemoryMarshal.TryGetArray(data, out var segment)
            ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(data.ToArray(), writable: false);

    public void Dispose() => _s3.Dispose();
}
