using OrleansRegistry.Core;
using OrleansRegistry.Grains.Abstractions.Errors;
using OrleansRegistry.Grains.Abstractions.Repositories;
using OrleansRegistry.Grains.Abstractions.Uploads;
using OrleansRegistry.Server.Errors;
using OrleansRegistry.Server.Routing;
using OrleansRegistry.Server.Uploads;
using OrleansRegistry.Storage.Blobs;

namespace OrleansRegistry.Server.Endpoints;

/// <summary>
/// Blob uploads (spec: "Pushing blobs"): end-4a/4b POST, end-5 PATCH, end-6 PUT, end-11 mount, end-13 status,
/// and DELETE to cancel. The upload id is the last path segment of the Location the POST returned.
/// </summary>
public static class UploadEndpoints
{
    public static async Task<IResult> Start(HttpContext context, V2Route route, BlobUploader uploader,
        IGrainFactory grains, IBlobStore store)
    {
        var query = context.Request.Query;
        if (query.TryGetValue("mount", out var mount) && await TryMountAsync(context, route.Name, mount, query["from"], grains, store))
            return TypedResults.Created(BlobLocation(route.Name, mount!), (object?)null);

        if (query.TryGetValue("digest", out var digestValue))
        {
            var digest = RequestArguments.RequireDigest(digestValue);
            await uploader.PutMonolithicAsync(route.Name, digest, context.Request.Body,
                RequestArguments.ContentLength(context.Request), context.RequestAborted);
            context.Response.Headers[RegistryHeaders.ContentDigest] = digest.ToString();
            return TypedResults.Created(BlobLocation(route.Name, digest.ToString()), (object?)null);
        }

        var algorithm = DigestAlgorithm(query["digest-algorithm"]);
        var uploadId = BlobUploader.NewUploadId();
        var status = await uploader.OpenAsync(route.Name, uploadId, algorithm);
        return Accepted(context, route.Name, uploadId, status.Offset);
    }

    /// <summary>
    /// end-4c <c>?digest-algorithm=</c>: the algorithm the finishing digest will use. One this registry cannot verify is
    /// refused now (spec: "Pushing blobs": unsupported algorithm → 400) rather than after the client sent every byte.
    /// </summary>
    private static string DigestAlgorithm(string? value) => value switch
    {
        null or "" => Digest.Sha256,
        Digest.Sha256 or Digest.Sha512 => value,
        _ => throw new RegistryException(ErrorCatalog.DigestInvalid,
            $"digest-algorithm '{value}' is not supported (sha256, sha512)", new { algorithm = value }),
    };

    public static async Task<IResult> Status(HttpContext context, V2Route route, IGrainFactory grains)
    {
        var uploadId = RequireUploadId(route);
        var status = await grains.GetGrain<IUploadSessionGrain>(uploadId).GetStatus(route.Name);
        SetUploadHeaders(context, route.Name, uploadId, status.Offset);
        return TypedResults.NoContent();
    }

    public static async Task<IResult> Patch(HttpContext context, V2Route route, BlobUploader uploader, IGrainFactory grains)
    {
        var uploadId = RequireUploadId(route);
        var (start, length) = ChunkRange(context.Request);
        try
        {
            var status = await uploader.WriteChunkAsync(route.Name, uploadId, start, length, context.Request.Body, context.RequestAborted);
            return Accepted(context, route.Name, uploadId, status.Offset);
        }
        catch (RegistryGrainException e) when (e.Code == ErrorCatalog.RangeInvalid.Code)
        {
            return await RangeMismatchAsync(context, route, uploadId, grains, e);
        }
    }

    public static async Task<IResult> Finish(HttpContext context, V2Route route, BlobUploader uploader, IGrainFactory grains)
    {
        var uploadId = RequireUploadId(route);
        var digest = RequestArguments.RequireDigest(context.Request.Query["digest"]);
        var hasBody = RequestArguments.HasBody(context.Request);
        var (start, length) = hasBody ? ChunkRange(context.Request) : (null, null);
        try
        {
            await uploader.FinishAsync(route.Name, uploadId, digest, start, length,
                hasBody ? context.Request.Body : null, context.RequestAborted);
        }
        catch (RegistryGrainException e) when (e.Code == ErrorCatalog.RangeInvalid.Code)
        {
            return await RangeMismatchAsync(context, route, uploadId, grains, e);
        }
        context.Response.Headers[RegistryHeaders.ContentDigest] = digest.ToString();
        return TypedResults.Created(BlobLocation(route.Name, digest.ToString()), (object?)null);
    }

    public static async Task<IResult> Cancel(V2Route route, IGrainFactory grains)
    {
        await grains.GetGrain<IUploadSessionGrain>(RequireUploadId(route)).Cancel(route.Name);
        return TypedResults.NoContent();
    }

    private static async Task<bool> TryMountAsync(HttpContext context, string repository, string? mount, string? from,
        IGrainFactory grains, IBlobStore store)
    {
        // Spec: when the blob can't be mounted, fall back to opening a session (202), not an error.
        if (!Digest.TryParse(mount, out var digest) || !digest.IsSupported || !RepositoryName.IsValid(from)) return false;
        var size = await grains.GetGrain<IRepositoryGrain>(from!).StatBlob(digest.ToString());
        if (size is null || await store.StatAsync(digest.ToString(), context.RequestAborted) is null) return false;
        await grains.GetGrain<IRepositoryGrain>(repository).LinkBlob(digest.ToString(), size.Value);
        context.Response.Headers[RegistryHeaders.ContentDigest] = digest.ToString();
        return true;
    }

    /// <summary>The chunk's start from Content-Range (spec: "^[0-9]+-[0-9]+$"), checked against Content-Length.</summary>
    private static (long? Start, long? Length) ChunkRange(HttpRequest request)
    {
        var length = RequestArguments.ContentLength(request);
        var header = request.Headers.ContentRange.ToString();
        if (header.Length == 0) return (null, length);
        if (!ContentRange.TryParse(header, out var start, out var end))
            throw new RegistryException(ErrorCatalog.RangeInvalid, $"Content-Range '{header}' is not <start>-<end>");
        var rangeLength = end - start + 1;
        if (length is { } declared && declared != rangeLength)
            throw new RegistryException(ErrorCatalog.RangeInvalid,
                $"Content-Range '{header}' covers {rangeLength} bytes but Content-Length is {declared}");
        return (start, rangeLength);
    }

    private static string RequireUploadId(V2Route route) =>
        Guid.TryParseExact(route.Argument, "D", out _)
            ? route.Argument
            : throw new RegistryException(ErrorCatalog.BlobUploadUnknown, $"upload '{route.Argument}' is unknown");

    /// <summary>416 with the upload's current Range, so the client knows where to resume (spec: "Pushing a blob in chunks").</summary>
    private static async Task<IResult> RangeMismatchAsync(HttpContext context, V2Route route, string uploadId,
        IGrainFactory grains, RegistryGrainException error)
    {
        var status = await grains.GetGrain<IUploadSessionGrain>(uploadId).GetStatus(route.Name);
        SetUploadHeaders(context, route.Name, uploadId, status.Offset);
        return new RegistryErrorResult(error.Descriptor.HttpStatus, new RegistryError(error.Code, error.Message, null));
    }

    private static IResult Accepted(HttpContext context, string repository, string uploadId, long offset)
    {
        SetUploadHeaders(context, repository, uploadId, offset);
        context.Response.ContentLength = 0;
        return TypedResults.StatusCode(StatusCodes.Status202Accepted);
    }

    private static void SetUploadHeaders(HttpContext context, string repository, string uploadId, long offset)
    {
        var headers = context.Response.Headers;
        headers.Location = $"/v2/{repository}/blobs/uploads/{uploadId}";
        headers[RegistryHeaders.UploadUuid] = uploadId;
        // As distribution does: "0-<last byte>", and "0-0" for an empty upload.
        headers.Range = $"0-{Math.Max(offset - 1, 0)}";
    }

    private static string BlobLocation(string repository, string digest) => $"/v2/{repository}/blobs/{digest}";
}
