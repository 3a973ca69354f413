using System.Buffers;
using OrleansRegistry.Core;
using OrleansRegistry.Grains.Abstractions.Errors;
using OrleansRegistry.Grains.Abstractions.Repositories;
using OrleansRegistry.Grains.Abstractions.Uploads;
using OrleansRegistry.Storage.Blobs;

namespace OrleansRegistry.Server.Uploads;

/// <summary>
/// Moves upload bytes from the HTTP request body into the blob store, hashing while writing, under the writer
/// lease of the session grain; verifies and commits at finish. The grain sees offsets only, never bytes.
/// </summary>
public sealed class BlobUploader(IGrainFactory grains, IBlobStore store, UploadHashCache hashes, ILogger<BlobUploader> logger)
{
    private const int BufferSize = 1 << 20;

    // After the commit the bytes live under their digest and the upload's own data is gone, so a link that failed for
    // good would lose the upload: a transient failure (a dropped database connection, a silo restarting) is retried.
    private static readonly TimeSpan[] LinkRetryDelays = [TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(2)];

    public static string NewUploadId() => Guid.NewGuid().ToString("D");

    /// <summary>
    /// Opens a session for a repository (POST without digest). <paramref name="algorithm"/> (end-4c) seeds the hash
    /// state, so that a first chunk written through this silo is hashed with the algorithm the finish will ask for.
    /// </summary>
    public async Task<UploadStatus> OpenAsync(string repository, string uploadId, string algorithm = Digest.Sha256)
    {
        await store.CreateUploadAsync(uploadId);
        var status = await grains.GetGrain<IUploadSessionGrain>(uploadId).Open(repository);
        if (algorithm != Digest.Sha256) hashes.Put(uploadId, 0, DigestHasher.Create(algorithm));
        return status;
    }

    /// <summary>Appends one chunk (PATCH). <paramref name="start"/> comes from Content-Range, when given.</summary>
    public async Task<UploadStatus> WriteChunkAsync(
        string repository, string uploadId, long? start, long? length, Stream body, CancellationToken ct)
    {
        var session = grains.GetGrain<IUploadSessionGrain>(uploadId);
        var lease = await session.BeginWrite(repository, start);
        try
        {
            var written = await AppendAsync(uploadId, lease.Offset, body, length, ct);
            return await session.CompleteWrite(lease.LeaseId, lease.Offset + written);
        }
        catch
        {
            await ReleaseAsync(session, uploadId, lease);
            throw;
        }
    }

    /// <summary>
    /// Finishes an upload (PUT ?digest=): appends the last chunk if there is one, checks the digest, commits the
    /// blob and links it into the repository. On a mismatch the session stays open with what was written.
    /// </summary>
    public async Task<long> FinishAsync(
        string repository, string uploadId, Digest digest, long? start, long? length, Stream? body, CancellationToken ct)
    {
        var session = grains.GetGrain<IUploadSessionGrain>(uploadId);
        var lease = await session.BeginWrite(repository, start);
        try
        {
            var size = lease.Offset;
            if (body is not null) size += await AppendAsync(uploadId, lease.Offset, body, length, ct);
            var actual = await ComputeDigestAsync(uploadId, size, digest.Algorithm, ct);
            if (actual != digest)
            {
                await session.CompleteWrite(lease.LeaseId, size);
                throw DigestMismatch(digest, actual);
            }
            await store.CommitUploadAsync(uploadId, size, digest.ToString(), ct);
            await LinkCommittedAsync(repository, digest, size);
            await session.Finish(lease.LeaseId, digest.ToString());
            return size;
        }
        catch
        {
            await ReleaseAsync(session, uploadId, lease);
            throw;
        }
    }

    /// <summary>A whole blob in one request (POST ?digest=): no session, written, verified and committed at once.</summary>
    public async Task<long> PutMonolithicAsync(string repository, Digest digest, Stream body, long? length, CancellationToken ct)
    {
        var uploadId = NewUploadId();
        await store.CreateUploadAsync(uploadId, ct);
        try
        {
            using var hasher = DigestHasher.Create(digest.Algorithm);
            var size = await CopyAsync(uploadId, 0, body, length, hasher, ct);
            var actual = hasher.GetCurrentDigest();
            if (actual != digest) throw DigestMismatch(digest, actual);
            await store.CommitUploadAsync(uploadId, size, digest.ToString(), ct);
            await LinkCommittedAsync(repository, digest, size);
            return size;
        }
        finally
        {
            await store.DeleteUploadAsync(uploadId, CancellationToken.None);
        }
    }

    private async Task<long> AppendAsync(string uploadId, long offset, Stream body, long? length, CancellationToken ct)
    {
        var hasher = hashes.Take(uploadId, offset) ?? (offset == 0 ? DigestHasher.Create(Digest.Sha256) : null);
        try
        {
            var written = await CopyAsync(uploadId, offset, body, length, hasher, ct);
            if (hasher is not null) hashes.Put(uploadId, offset + written, hasher);
            return written;
        }
        catch
        {
            hasher?.Dispose();
            throw;
        }
    }

    private async Task<long> CopyAsync(string uploadId, long offset, Stream body, long? length, DigestHasher? hasher, CancellationToken ct)
    {
        Stream writer;
        try { writer = await store.OpenUploadWriterAsync(uploadId, offset, ct); }
        catch (UploadNotFoundException) { throw new RegistryException(ErrorCatalog.BlobUploadUnknown, "upload data is gone"); }

        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        long total = 0;
        try
        {
            await using (writer)
            {
                int read;
                while ((read = await body.ReadAsync(buffer.AsMemory(0, BufferSize), ct)) > 0)
                {
                    hasher?.Append(buffer.AsSpan(0, read));
                    await writer.WriteAsync(buffer.AsMemory(0, read), ct);
                    total += read;
                }
                await writer.FlushAsync(ct);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        if (length is { } expected && expected != total)
            throw new RegistryException(ErrorCatalog.SizeInvalid, $"expected {expected} bytes, received {total}");
        return total;
    }

    private async Task<Digest> ComputeDigestAsync(string uploadId, long size, string algorithm, CancellationToken ct)
    {
        var cached = hashes.Take(uploadId, size);
        if (cached is not null && cached.Algorithm == algorithm)
        {
            using (cached) return cached.GetCurrentDigest();
        }
        cached?.Dispose();

        // The hash state did not survive (another silo wrote a chunk, or a chunk dropped): read the data once.
        using var hasher = DigestHasher.Create(algorithm);
        Stream reader;
        try { reader = await store.OpenUploadReaderAsync(uploadId, size, ct); }
        catch (UploadNotFoundException) { throw new RegistryException(ErrorCatalog.BlobUploadUnknown, "upload data is gone"); }
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            await using (reader)
            {
                int read;
                while ((read = await reader.ReadAsync(buffer.AsMemory(0, BufferSize), ct)) > 0) hasher.Append(buffer.AsSpan(0, read));
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        return hasher.GetCurrentDigest();
    }

    /// <summary>Links a committed blob into the repository, retrying transient failures (linking is idempotent).</summary>
    private async Task LinkCommittedAsync(string repository, Digest digest, long size)
    {
        var target = grains.GetGrain<IRepositoryGrain>(repository);
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await target.LinkBlob(digest.ToString(), size);
                return;
            }
            catch (Exception e) when (attempt < LinkRetryDelays.Length && e is not (RegistryGrainException or RegistryException))
            {
                logger.LogWarning(e, "Linking committed blob {Digest} into {Repository} failed (attempt {Attempt}); retrying",
                    digest, repository, attempt + 1);
                // Not the request's token: the bytes are committed, and linking them is worth finishing either way.
                await Task.Delay(LinkRetryDelays[attempt], CancellationToken.None);
            }
        }
    }

    private async Task ReleaseAsync(IUploadSessionGrain session, string uploadId, UploadLease lease)
    {
        hashes.Forget(uploadId);
        try { await session.AbortWrite(lease.LeaseId); }
        catch (Exception) { /* the lease times out on its own; the original error matters more */ }
    }

    private static RegistryException DigestMismatch(Digest expected, Digest actual) =>
        new(ErrorCatalog.DigestInvalid, $"digest {expected} does not match the uploaded content ({actual})",
            new { expected = expected.ToString(), actual = actual.ToString() });
}
