using OrleansRegistry.Core;
using OrleansRegistry.Grains.Abstractions;
using OrleansRegistry.Server.Errors;
using OrleansRegistry.Server.Routing;
using OrleansRegistry.Server.Security;
using OrleansRegistry.Server.Security.Authorization;
using OrleansRegistry.Grains.Abstractions.Uploads;
using OrleansRegistry.Server.Uploads;
using OrleansRegistry.Storage.Blobs;

namespace OrleansRegistry.Server.Endpoints;

/// <summary>
/// Blob uploads (spec: "Pushing blobs"): end-4a/4b POST, end-5 PATCH, end-6 PUT, end-11 mount, end-13 status,
/// and DELETE to cancel. The upload id is the last path segment of the Location the POST returned.
/// </summary>
public static class UploadEndpoints
{
    public static async Task<IResult> Start(HttpContext context, V2Route route, BlobUploader uploader, IGrainFactory grains)
    {
        var query = context.Request.Query;
        if (query.TryGetValue("mount", out var mount) && await TryMountAsync(context, route.Repository, mount, query["from"], grains) is { } mounted)
            return Created(context, route.Repository, mounted);

        if (query.TryGetValue("digest", out var digestValue))
        {
            var digest = RequestArguments.RequireDigest(digestValue);
            await uploader.PutMonolithicAsync(route.Repository, digest, context.Request.Body,
                RequestArguments.ContentLength(context.Request), Owner(context), Caller.Key(context), context.RequestAborted);
            return Created(context, route.Repository, digest);
        }

        var algorithm = DigestAlgorithm(query["digest-algorithm"]);
        var uploadId = Guid.NewGuid();
        var status = await uploader.OpenAsync(route.Repository, uploadId, algorithm, Owner(context), Caller.Key(context));
        return Accepted(context, uploadId, status);
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
        var status = await grains.UploadSession(uploadId).GetStatus(route.Repository, Owner(context));
        SetUploadHeaders(context, uploadId, status);
        return TypedResults.NoContent();
    }

    public static async Task<IResult> Patch(HttpContext context, V2Route route, BlobUploader uploader, IGrainFactory grains)
    {
        var uploadId = RequireUploadId(route);
        var (start, length) = ChunkRange(context.Request);
        try
        {
            var status = await uploader.WriteChunkAsync(route.Repository, uploadId, start, length, context.Request.Body, Owner(context), context.RequestAborted);
            return Accepted(context, uploadId, status);
        }
        catch (RegistryException e) when (e.Descriptor == ErrorCatalog.RangeInvalid)
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
            await uploader.FinishAsync(route.Repository, uploadId, digest, start, length,
                hasBody ? context.Request.Body : null, Owner(context), context.RequestAborted);
        }
        catch (RegistryException e) when (e.Descriptor == ErrorCatalog.RangeInvalid)
        {
            return await RangeMismatchAsync(context, route, uploadId, grains, e);
        }
        return Created(context, route.Repository, digest);
    }

    public static async Task<IResult> Cancel(HttpContext context, V2Route route, IGrainFactory grains)
    {
        await grains.UploadSession(RequireUploadId(route)).Cancel(route.Repository, Owner(context));
        return TypedResults.NoContent();
    }

    /// <summary>end-11: the mounted digest, or null to fall back to a session (spec: a mount that can't happen is a 202, not an error).</summary>
    private static async Task<Digest?> TryMountAsync(HttpContext context, RepositoryName repository, string? mount, string? from,
        IGrainFactory grains)
    {
        if (!Digest.TryParse(mount, out var digest) || !digest.IsSupported || !RepositoryName.TryParse(from, out var source)) return null;
        // Without pull on `from` the mount falls back to a session, saying nothing of whether the blob exists there.
        if (context.RequestServices.GetService<AccessPolicy>() is { } policy && !policy.CanPull(context.User, source.Value)) return null;
        var size = await grains.Repository(source).StatBlob(digest);
        var store = context.RequestServices.GetRequiredService<IBlobStore>();
        if (size is null || await store.StatAsync(digest, context.RequestAborted) is null) return null;
        // Refused while the garbage collector deletes the blob: then the client uploads it after all.
        return await grains.Repository(repository).LinkBlob(digest, size.Value) ? digest : null;
    }

    /// <summary>The identity an upload session belongs to (the authenticated subject; null when anonymous or auth is off).</summary>
    private static string? Owner(HttpContext context) => Caller.Subject(context.User);

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

    private static Guid RequireUploadId(V2Route route) =>
        Guid.TryParseExact(route.Argument, "D", out var id)
            ? id
            : throw new RegistryException(ErrorCatalog.BlobUploadUnknown, $"upload '{route.Argument}' is unknown");

    /// <summary>416 with the upload's current Range, so the client knows where to resume (spec: "Pushing a blob in chunks").</summary>
    private static async Task<IResult> RangeMismatchAsync(HttpContext context, V2Route route, Guid uploadId,
        IGrainFactory grains, RegistryException error)
    {
        var status = await grains.UploadSession(uploadId).GetStatus(route.Repository, Owner(context));
        SetUploadHeaders(context, uploadId, status);
        return new RegistryErrorResult(error.Descriptor.HttpStatus, error.ToError());
    }

    private static IResult Accepted(HttpContext context, Guid uploadId, UploadStatus status)
    {
        SetUploadHeaders(context, uploadId, status);
        context.Response.ContentLength = 0;
        return TypedResults.StatusCode(StatusCodes.Status202Accepted);
    }

    private static void SetUploadHeaders(HttpContext context, Guid uploadId, UploadStatus status)
    {
        var id = RegistryGrains.UploadIdKey(uploadId);
        var headers = context.Response.Headers;
        headers.Location = $"/v2/{status.Repository}/blobs/uploads/{id}";
        headers[RegistryHeaders.UploadUuid] = id;
        // As distribution does: "0-<last byte>", and "0-0" for an empty upload.
        headers.Range = $"0-{Math.Max(status.Offset - 1, 0)}";
    }

    private static IResult Created(HttpContext context, RepositoryName repository, Digest digest)
    {
        context.Response.Headers[RegistryHeaders.ContentDigest] = digest.ToString();
        return TypedResults.Created($"/v2/{repository}/blobs/{digest}", (object?)null);
    }
}
