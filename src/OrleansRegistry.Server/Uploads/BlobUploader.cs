using System.Buffers;
using OrleansRegistry.Core;
using OrleansRegistry.Grains.Abstractions;
using OrleansRegistry.Grains.Abstractions.Uploads;
using OrleansRegistry.Server.Observability;
using OrleansRegistry.Storage.Blobs;

namespace OrleansRegistry.Server.Uploads;

/// <summary>
/// The byte path of an upload: streams request bodies into the upload's data under the session grain's writer lease,
/// hashing while writing and handing the hash state back with the new offset, so the next chunk or the finish on any
/// silo continues it. The grain owns the data's life (create, commit, delete) and never sees a byte.
/// </summary>
public sealed class BlobUploader(IGrainFactory grains, IBlobStore store, RegistryMetrics metrics)
{
    private const int BufferSize = 1 << 20;

    /// <summary>
    /// Opens a session (POST without digest). <paramref name="algorithm"/> (end-4c) is what the chunks are hashed
    /// with, so the finish needs no re-read when its digest uses it. <paramref name="identity"/> is whose concurrent
    /// sessions it counts against (<see cref="IUploadSessionGrain.Open"/>).
    /// </summary>
    public Task<UploadStatus> OpenAsync(RepositoryName repository, Guid uploadId, string algorithm, string? owner, string? identity) =>
        grains.UploadSession(uploadId).Open(repository, algorithm, owner, identity);

    // `owner`: the identity the session belongs to (IUploadSessionGrain), always given; null when anonymous.

    /// <summary>Appends one chunk (PATCH). <paramref name="start"/> comes from Content-Range, when given.</summary>
    public async Task<UploadStatus> WriteChunkAsync(
        RepositoryName repository, Guid uploadId, long? start, long? length, Stream body, string? owner, CancellationToken ct)
    {
        using var _ = metrics.UploadWriteStarted();
        var session = grains.UploadSession(uploadId);
        var lease = await session.BeginWrite(repository, start, owner);
        try
        {
            using var hasher = ContinueHashing(lease);
            var data = await AppendAsync(uploadId, lease, body, length, hasher, ct);
            return await session.CompleteWrite(lease.LeaseId, data.Size, hasher?.ExportState(), data.Resume);
        }
        catch
        {
            await ReleaseAsync(session, lease);
            throw;
        }
    }

    /// <summary>
    /// Finishes an upload (PUT ?digest=): appends the last chunk if there is one, checks the digest, and has the
    /// session commit and link the blob. On a mismatch the session stays open with what was written.
    /// </summary>
    public async Task FinishAsync(
        RepositoryName repository, Guid uploadId, Digest digest, long? start, long? length, Stream? body, string? owner, CancellationToken ct)
    {
        using var _ = metrics.UploadWriteStarted();
        var session = grains.UploadSession(uploadId);
        var lease = await session.BeginWrite(repository, start, owner);
        try
        {
            using var hasher = ContinueHashing(lease);
            var data = body is null ? StoreState(lease) : await AppendAsync(uploadId, lease, body, length, hasher, ct);
            var actual = hasher is not null && hasher.Algorithm == digest.Algorithm
                ? hasher.GetCurrentDigest()
                : await RereadDigestAsync(uploadId, data, digest.Algorithm, ct);
            if (actual != digest)
            {
                await session.CompleteWrite(lease.LeaseId, data.Size, hasher?.ExportState(), data.Resume);
                throw new RegistryException(ErrorCatalog.DigestInvalid,
                    $"digest {digest} does not match the uploaded content ({actual})",
                    new { expected = digest.ToString(), actual = actual.ToString() });
            }
            await session.Finish(lease.LeaseId, digest, data.Size, data.Resume);
        }
        catch
        {
            await ReleaseAsync(session, lease);
            throw;
        }
    }

    /// <summary>A whole blob in one request (POST ?digest=): a session opened, written and finished at once.</summary>
    public async Task PutMonolithicAsync(RepositoryName repository, Digest digest, Stream body, long? length,
        string? owner, string? identity, CancellationToken ct)
    {
        var uploadId = Guid.NewGuid();
        await OpenAsync(repository, uploadId, digest.Algorithm, owner, identity);
        try
        {
            await FinishAsync(repository, uploadId, digest, 0, length, body, owner, ct);
        }
        catch
        {
            // Nobody else knows this session: remove it now rather than leaving it to expiry.
            try { await grains.UploadSession(uploadId).Cancel(repository, owner); }
            catch (RegistryException) { /* already finished or gone */ }
            throw;
        }
    }

    /// <summary>The hasher at the lease's offset: fresh at 0, resumed from the saved state, or null (state lost).</summary>
    private static DigestHasher? ContinueHashing(UploadLease lease)
    {
        if (lease.Offset == 0) return DigestHasher.Create(lease.Algorithm);
        return lease.HashState is { } saved && DigestHasher.TryResume(saved, out var resumed) && resumed.BytesHashed == lease.Offset
            ? resumed
            : null;
    }

    /// <summary>The upload's data as of the lease: the committed offset and the store's resume information.</summary>
    private static BlobUploadState StoreState(UploadLease lease) => new(lease.Offset, lease.StoreResume);

    /// <summary>
    /// Appends the body to the upload's data and returns the data's new state. Completed only when the whole body
    /// arrived as announced: on any failure the writer is disposed without completing, so the chunk is no part of
    /// the upload and the next writer continues from the lease's state.
    /// </summary>
    private async Task<BlobUploadState> AppendAsync(Guid uploadId, UploadLease lease, Stream body, long? length, DigestHasher? hasher, CancellationToken ct)
    {
        IBlobUploadWriter writer;
        try { writer = await store.OpenUploadWriterAsync(RegistryGrains.UploadIdKey(uploadId), StoreState(lease), ct); }
        catch (UploadNotFoundException) { throw new RegistryException(ErrorCatalog.BlobUploadUnknown, "upload data is gone"); }
        catch (UploadBusyException) { throw AnotherWriter(); }

        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            await using (writer)
            {
                int read;
                while ((read = await body.ReadAsync(buffer.AsMemory(0, BufferSize), ct)) > 0)
                {
                    hasher?.Append(buffer.AsSpan(0, read));
                    await writer.WriteAsync(buffer.AsMemory(0, read), ct);
                }
                var total = writer.Size - lease.Offset;
                if (length is { } expected && expected != total)
                    throw new RegistryException(ErrorCatalog.SizeInvalid, $"expected {expected} bytes, received {total}");
                return await writer.CompleteAsync(ct);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>No saved hash state covers the data (or the finish asks another algorithm): read it back once.</summary>
    private async Task<Digest> RereadDigestAsync(Guid uploadId, BlobUploadState data, string algorithm, CancellationToken ct)
    {
        using var hasher = DigestHasher.Create(algorithm);
        Stream reader;
        try { reader = await store.OpenUploadReaderAsync(RegistryGrains.UploadIdKey(uploadId), data, ct); }
        catch (UploadNotFoundException) { throw new RegistryException(ErrorCatalog.BlobUploadUnknown, "upload data is gone"); }
        metrics.UploadBytesReread(data.Size);
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

    /// <summary>The data is still open by a writer whose lease was taken over (it outlived the lease timeout).</summary>
    private static RegistryException AnotherWriter() =>
        new(ErrorCatalog.RangeInvalid, "another chunk of this upload is still being written");

    private static async Task ReleaseAsync(IUploadSessionGrain session, UploadLease lease)
    {
        try { await session.AbortWrite(lease.LeaseId); }
        catch (Exception) { /* the lease times out on its own; the original error matters more */ }
    }
}
