using Microsoft.Net.Http.Headers;
using OrleansRegistry.Core;
using OrleansRegistry.Grains.Abstractions.Repositories;
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
        var size = await grains.GetGrain<IRepositoryGrain>(route.Name).StatBlob(digest.ToString())
                   ?? throw BlobUnknown(digest);

        var headers = context.Response.Headers;
        headers[RegistryHeaders.ContentDigest] = digest.ToString();
        headers.ETag = $"\"{digest}\"";
        headers.AcceptRanges = "bytes";

        var range = ByteRange.Evaluate(context.Request.Headers.Range, size, out _, out _);
        if (range == ByteRangeResult.NotSatisfiable)
        {
            headers.ContentRange = $"bytes */{size}";
            return RegistryErrorResult.From(ErrorCatalog.RangeNotSatisfiable, $"the blob has {size} bytes");
        }
        if (HttpMethods.IsHead(context.Request.Method))
        {
            context.Response.ContentType = MediaTypes.OctetStream;
            context.Response.ContentLength = size;
            return TypedResults.Ok();
        }

        var stream = await store.OpenReadAsync(digest.ToString(), context.RequestAborted) ?? throw BlobUnknown(digest);
        // ASP.NET serves the (single) range and 206/Content-Range; unsatisfiable ranges were answered above.
        return TypedResults.Stream(stream, MediaTypes.OctetStream, entityTag: new EntityTagHeaderValue($"\"{digest}\""),
            enableRangeProcessing: range == ByteRangeResult.Satisfiable);
    }

    public static async Task<IResult> Delete(V2Route route, IGrainFactory grains)
    {
        var digest = RequestArguments.RequireDigest(route.Argument);
        if (!await grains.GetGrain<IRepositoryGrain>(route.Name).UnlinkBlob(digest.ToString())) throw BlobUnknown(digest);
        return TypedResults.Accepted((string?)null);
    }

    private static RegistryException BlobUnknown(Digest digest) =>
        new(ErrorCatalog.BlobUnknown, $"blob {digest} is not in this repository", new { digest = digest.ToString() });
}
