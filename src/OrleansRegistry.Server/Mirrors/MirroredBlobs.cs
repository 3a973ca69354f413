using OrleansRegistry.Core;
using OrleansRegistry.Grains.Abstractions;
using OrleansRegistry.Grains.Abstractions.Mirrors;
using OrleansRegistry.Grains.Mirrors;
using OrleansRegistry.Server.Endpoints;
using OrleansRegistry.Storage.Blobs;

namespace OrleansRegistry.Server.Mirrors;

/// <summary>
/// Blob reads of mirrored repositories that the cache cannot answer: HEAD asks the upstream; GET joins the cluster's
/// one fetch of the blob (<see cref="IMirrorBlobFetchGrain"/>) and streams what has arrived from the blob store as it
/// arrives, or, where the store cannot read an unfinished upload (S3), once the fetch has committed it.
/// </summary>
public sealed class MirroredBlobs(MirrorSet mirrors, UpstreamRegistries upstreams, IGrainFactory grains, IBlobStore store, MirrorMetrics metrics)
{
    /// <summary>The response for a blob <paramref name="repository"/> does not hold; null when it is no mirror's (BLOB_UNKNOWN).</summary>
    public async Task<IResult?> GetAsync(HttpContext context, RepositoryName repository, Digest digest)
    {
        if (mirrors.Match(repository) is not { } mirrored) return null;
        if (!mirrored.Allowed) throw mirrored.NotAllowed();
        var mirror = mirrored.Mirror;
        var ct = context.RequestAborted;
        if (HttpMethods.IsHead(context.Request.Method))
        {
            metrics.Miss(mirror.Namespace, "blob");
            var size = await upstreams.For(mirror).CallAsync(mirrored.Upstream, $"blob {digest}", (r, t) => r.Blobs.StatAsync(digest, t), ct);
            return size is { } known ? await BlobEndpoints.Respond(context, digest, known, HeadHasNoBody) : null;
        }

        var fetch = grains.MirrorBlobFetch(mirror.Namespace, digest);
        var progress = await fetch.Join(repository, mirrored.Upstream);
        if (progress.Status != BlobFetchStatus.Committed && (progress.Size < 0 || !store.ReadsUnfinishedUploads))
            progress = await FetchingBlobContentResult.WaitForCommitAsync(fetch, progress, store, digest, ct);
        if (progress.Status == BlobFetchStatus.Committed)
        {
            return await BlobEndpoints.Respond(context, digest, progress.Size, async (start, length, partial) =>
                new BlobContentResult(await store.OpenReadAsync(digest, start, length, ct) ?? throw BlobEndpoints.BlobUnknown(digest),
                    progress.Size, start, length, partial));
        }
        return await BlobEndpoints.Respond(context, digest, progress.Size, (start, length, partial) =>
            Task.FromResult<IResult>(new FetchingBlobContentResult(fetch, progress, store, digest, start, length, partial)));
    }

    private static Task<IResult> HeadHasNoBody(long start, long length, bool partial) =>
        throw new System.Diagnostics.UnreachableException("a HEAD response has no body");

    /// <summary>Counts a blob GET of a mirrored repository answered from the cache.</summary>
    public void ServedFromCache(RepositoryName repository, long bytes)
    {
        if (mirrors.IsEmpty || mirrors.Match(repository) is not { } mirrored) return;
        metrics.Hit(mirrored.Mirror.Namespace, "blob");
        metrics.Served(mirrored.Mirror.Namespace, bytes);
    }
}
