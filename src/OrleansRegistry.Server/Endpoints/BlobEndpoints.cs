using OrleansRegistry.Core;
using OrleansRegistry.Grains.Abstractions;
using OrleansRegistry.Grains.Collection;
using OrleansRegistry.Server.Errors;
using OrleansRegistry.Server.Mirrors;
using OrleansRegistry.Server.Routing;
using OrleansRegistry.Storage.Blobs;

namespace OrleansRegistry.Server.Endpoints;

/// <summary>end-2 (HEAD/GET a blob, with Range) and end-10 (DELETE a blob from a repository).</summary>
public static class BlobEndpoints
{
    public static async Task<IResult> Get(HttpContext context, V2Route route, IGrainFactory grains, IBlobStore store, MirroredBlobs mirrored)
    {
        var digest = RequestArguments.RequireDigest(route.Argument);
        if (await grains.Repository(route.Repository).StatBlob(digest) is not { } size)
            return await mirrored.GetAsync(context, route.Repository, digest) ?? throw BlobUnknown(digest);

        return await Respond(context, digest, size, async (start, length, partial) =>
        {
            mirrored.ServedFromCache(route.Repository, length);
            // The store reads just the range (an object store: a ranged GET), so nothing here seeks.
            var stream = await store.OpenReadAsync(digest, start, length, context.RequestAborted) ?? throw BlobUnknown(digest);
            return new BlobContentResult(stream, size, start, length, partial);
        });
    }

    public static async Task<IResult> Delete(V2Route route, IGrainFactory grains)
    {
        var digest = RequestArguments.RequireDigest(route.Argument);
        if (!await grains.Repository(route.Repository).UnlinkBlob(digest)) throw BlobUnknown(digest);
        return TypedResults.Accepted((string?)null);
    }

    /// <summary>
    /// A blob response for a blob of <paramref name="size"/> bytes: its headers, the request's range (416 when it
    /// cannot be satisfied), nothing more for HEAD, and for GET what <paramref name="body"/> makes of the range.
    /// </summary>
    public static async Task<IResult> Respond(HttpContext context, Digest digest, long size,
        Func<long, long, bool, Task<IResult>> body)
    {
        var headers = context.Response.Headers;
        headers[RegistryHeaders.ContentDigest] = digest.ToString();
        headers.ETag = $"\"{digest}\"";
        headers.AcceptRanges = "bytes";

        var range = ByteRange.Evaluate(context.Request.Headers.Range, size, out var start, out var length);
        if (range == ByteRangeResult.NotSatisfiable)
        {
            headers.ContentRange = $"bytes */{size}";
            return RegistryErrorResult.From(ErrorCatalog.RangeNotSatisfiable, $"the blob has {size} bytes");
        }
        var partial = range == ByteRangeResult.Satisfiable;
        if (!partial) (start, length) = (0, size);
        if (HttpMethods.IsHead(context.Request.Method)) return new BlobContentResult(Stream.Null, size, start, length, partial);
        // A pull of the blob, for the retention rule DeleteNotPulledFor (mirrored blobs fetched on the way too).
        context.RequestServices.GetRequiredService<PullTimeRecorder>().RecordBlobPull(digest);
        return await body(start, length, partial);
    }

    public static RegistryException BlobUnknown(Digest digest) =>
        new(ErrorCatalog.BlobUnknown, $"blob {digest} is not in this repository", new { digest = digest.ToString() });
}
