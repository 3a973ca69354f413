using OrleansRegistry.Core;
using OrleansRegistry.Grains.Abstractions;
using OrleansRegistry.Grains.Collection;
using OrleansRegistry.Server.Errors;
using OrleansRegistry.Server.Routing;
using OrleansRegistry.Storage.Blobs;

namespace OrleansRegistry.Server.Endpoints;

/// <summary>end-2 (HEAD/GET a blob, with Range) and end-10 (DELETE a blob from a repository).</summary>
public static class BlobEndpoints
{
    public static async Task<IResult> Get(HttpContext context, V2Route route, IGrainFactory grains, IBlobStore store)
    {
        var digest = RequestArguments.RequireDigest(route.Argument);
        var size = await grains.Repository(route.Repository).StatBlob(digest)
                   ?? throw BlobUnknown(digest);

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

        // The store reads just the range (an object store: a ranged GET), so nothing here seeks.
        var stream = await store.OpenReadAsync(digest, start, length, context.RequestAborted) ?? throw BlobUnknown(digest);
        context.RequestServices.GetRequiredService<PullTimeRecorder>().RecordBlobPull(digest);
        return new BlobContentResult(stream, size, start, length, partial);
    }

    public static async Task<IResult> Delete(V2Route route, IGrainFactory grains)
    {
        var digest = RequestArguments.RequireDigest(route.Argument);
        if (!await grains.Repository(route.Repository).UnlinkBlob(digest)) throw BlobUnknown(digest);
        return TypedResults.Accepted((string?)null);
    }

    private static RegistryException BlobUnknown(Digest digest) =>
        new(ErrorCatalog.BlobUnknown, $"blob {digest} is not in this repository", new { digest = digest.ToString() });
}
