using Microsoft.AspNetCore.Http.Features;
using OrleansRegistry.Core;
using OrleansRegistry.Grains.Abstractions.Mirrors;
using OrleansRegistry.Server.Endpoints;
using OrleansRegistry.Storage.Blobs;

namespace OrleansRegistry.Server.Mirrors;

/// <summary>
/// Sends a blob, or one range of it, while its mirror fetch is still bringing it: the headers go at once, then every
/// byte of the range as soon as the fetch reports it readable in the upload's data; the rest from the blob itself once
/// committed. A fetch that fails, or whose silo dies, after the headers went cannot change the status any more: the
/// connection is aborted, so the client sees a short body, never wrong bytes under the digest, and retries.
/// </summary>
public sealed class FetchingBlobContentResult(
    IMirrorBlobFetchGrain fetch,
    BlobFetchProgress progress,
    IBlobStore store,
    Digest digest,
    long start,
    long length,
    bool partial) : IResult
{
    public async Task ExecuteAsync(HttpContext context)
    {
        BlobContentResult.WriteHead(context.Response, progress.Size, start, length, partial);
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        var ct = context.RequestAborted;
        var position = start;
        var end = start + length;
        var current = progress;
        while (position < end)
        {
            switch (current.Status)
            {
                case BlobFetchStatus.Committed:
                    await using (var rest = await store.OpenReadAsync(digest, position, end - position, ct) ?? throw Stopped(current))
                        await BlobContentResult.CopyAsync(rest, end - position, context);
                    return;
                case BlobFetchStatus.Fetching when current.Arrived > position:
                    var take = Math.Min(current.Arrived, end) - position;
                    Stream arrived;
                    try
                    {
                        arrived = await store.OpenUploadRangeAsync(current.UploadId!, position, take, ct);
                    }
                    catch (UploadNotFoundException)
                    {
                        // Committed (moved to its digest) between the report and the open: the next report says so.
                        current = await fetch.WaitForProgress(position);
                        continue;
                    }
                    await using (arrived)
                        if (!await BlobContentResult.CopyAsync(arrived, take, context)) return;
                    position += take;
                    break;
                case BlobFetchStatus.Fetching:
                    current = await fetch.WaitForProgress(position);
                    break;
                default:
                    current = await CommittedAfterAllAsync(current, store, digest, ct) ?? throw Stopped(current);
                    break;
            }
        }
    }

    /// <summary>
    /// For a store that cannot read an unfinished upload, or a blob whose size the upstream did not say: waits until
    /// the fetch committed it (returned) or failed (thrown).
    /// </summary>
    public static async Task<BlobFetchProgress> WaitForCommitAsync(IMirrorBlobFetchGrain fetch, BlobFetchProgress progress,
        IBlobStore store, Digest digest, CancellationToken ct)
    {
        while (progress.Status == BlobFetchStatus.Fetching)
        {
            ct.ThrowIfCancellationRequested();
            progress = await fetch.WaitForProgress(long.MaxValue - 1);
        }
        if (progress.Status == BlobFetchStatus.Committed) return progress;
        return await CommittedAfterAllAsync(progress, store, digest, ct) ?? throw Stopped(progress);
    }

    // A new activation knows nothing of a fetch that committed and was collected, or died with its silo: the store
    // knows which.
    private static async Task<BlobFetchProgress?> CommittedAfterAllAsync(BlobFetchProgress progress, IBlobStore store,
        Digest digest, CancellationToken ct) =>
        progress.Status == BlobFetchStatus.None && await store.StatAsync(digest, ct) is { } size
            ? new BlobFetchProgress(BlobFetchStatus.Committed, size, null, size, null)
            : null;

    private static RegistryException Stopped(BlobFetchProgress progress) => new(ErrorCatalog.Unavailable,
        progress.Error ?? "the fetch of this blob from the upstream stopped before it was complete; retry");
}
