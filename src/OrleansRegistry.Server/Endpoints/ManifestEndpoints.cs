using System.Buffers;
using OrleansRegistry.Core;
using OrleansRegistry.Grains.Abstractions;
using OrleansRegistry.Grains.Mirrors;
using OrleansRegistry.Grains.Collection;
using OrleansRegistry.Server.Hosting.Limits;
using OrleansRegistry.Server.Routing;

namespace OrleansRegistry.Server.Endpoints;

/// <summary>end-3 (HEAD/GET), end-7 (PUT) and end-9 (DELETE) of manifests, by tag or by digest.</summary>
public static class ManifestEndpoints
{
    public static async Task<IResult> Get(HttpContext context, V2Route route, IGrainFactory grains, MirrorSet mirrors)
    {
        var digest = await ResolveAsync(context, route, grains, mirrors);
        var manifest = await grains.Manifest(route.Repository, digest).Get() ?? throw ManifestUnknown(route);
        context.RequestServices.GetRequiredService<PullTimeRecorder>().RecordManifestPull(route.Repository, manifest.Digest);

        var headers = context.Response.Headers;
        headers[RegistryHeaders.ContentDigest] = manifest.Digest.ToString();
        headers.ETag = $"\"{manifest.Digest}\"";
        if (HttpMethods.IsHead(context.Request.Method))
        {
            context.Response.ContentType = manifest.MediaType;
            context.Response.ContentLength = manifest.Bytes.Length;
            return TypedResults.Ok();
        }
        return TypedResults.Bytes(manifest.Bytes, manifest.MediaType);
    }

    public static async Task<IResult> Put(HttpContext context, V2Route route, IGrainFactory grains)
    {
        if (!Reference.TryParse(route.Argument, out var reference))
        {
            // Tags cannot contain ':', so a reference with one was meant as a digest: say which part is wrong.
            throw route.Argument.Contains(':')
                ? new RegistryException(ErrorCatalog.DigestInvalid, $"'{route.Argument}' is not a valid digest")
                : new RegistryException(ErrorCatalog.TagInvalid, $"'{route.Argument}' is not a valid tag");
        }
        var limits = context.RequestServices.GetRequiredService<LimitsOptions>();
        // TAG_INVALID for a tag longer than this registry allows (Core's one rule, with the configured cap).
        if (reference.Tag is { } tag) _ = Tag.Parse(tag.Value, limits.MaxTagLength);
        var bytes = await ReadBodyAsync(context.Request, limits.Manifest.MaxBytes);

        var algorithm = reference.Digest is { } d ? d.Algorithm : Digest.Sha256;
        if (reference.Digest is { IsSupported: false })
            throw new RegistryException(ErrorCatalog.DigestInvalid, $"unsupported digest '{reference.Digest}'");
        // Schema1 signed manifests are filed under the digest of their payload without signatures, as distribution does.
        var digest = ManifestDigest.Compute(context.Request.ContentType, bytes, algorithm);
        if (reference.Digest is { } expected && expected != digest)
            throw new RegistryException(ErrorCatalog.DigestInvalid, $"the body's digest is {digest}, not {expected}",
                new { expected = expected.ToString(), actual = digest.ToString() });

        var stored = await grains.Manifest(route.Repository, digest).Put(context.Request.ContentType ?? "", bytes, reference.Tag);

        var headers = context.Response.Headers;
        headers[RegistryHeaders.ContentDigest] = stored.Digest.ToString();
        if (stored.Subject is { } subject) headers[RegistryHeaders.OciSubject] = subject.ToString();
        return TypedResults.Created($"/v2/{route.Repository}/manifests/{stored.Digest}", (object?)null);
    }

    public static async Task<IResult> Delete(V2Route route, IGrainFactory grains)
    {
        if (!Reference.TryParse(route.Argument, out var reference)) throw ManifestUnknown(route);
        var deleted = reference.Tag is { } tag
            ? await grains.Repository(route.Repository).DeleteTag(tag)
            : await grains.Manifest(route.Repository, reference.Digest!.Value).Delete();
        if (!deleted) throw ManifestUnknown(route);
        return TypedResults.Accepted((string?)null);
    }

    private static async Task<Digest> ResolveAsync(HttpContext context, V2Route route, IGrainFactory grains, MirrorSet mirrors)
    {
        if (!Reference.TryParse(route.Argument, out var reference)) throw ManifestUnknown(route);
        if (reference.Digest is { } digest) return digest;
        var tag = reference.Tag!.Value;
        if (mirrors.Match(route.Repository) is null)
            return await grains.Repository(route.Repository).ResolveTag(tag) ?? throw ManifestUnknown(route);

        var answer = await grains.MirrorTag(route.Repository, tag).Resolve();
        if (answer.StaleWarning is { } warning) context.Response.Headers.Warning = WarningHeader.Format(warning);
        return answer.Digest;
    }

    /// <summary>The manifest body, refused with 413 beyond the size limit (spec: "Pushing Manifests").</summary>
    private static async Task<byte[]> ReadBodyAsync(HttpRequest request, int limit)
    {
        if (request.ContentLength is { } declared && declared > limit) throw ManifestParser.TooLarge(declared, limit);
        // ArrayBufferWriter refuses a capacity of 0, which an empty body (Content-Length: 0) would ask for.
        var buffer = new ArrayBufferWriter<byte>(Math.Max(1, (int)(request.ContentLength ?? 16 * 1024)));
        while (true)
        {
            var read = await request.Body.ReadAsync(buffer.GetMemory(16 * 1024), request.HttpContext.RequestAborted);
            if (read == 0) break;
            buffer.Advance(read);
            // Stop reading at the first byte over: a chunked body declares no length.
            if (buffer.WrittenCount > limit) throw ManifestParser.TooLarge(buffer.WrittenCount, limit);
        }
        return buffer.WrittenSpan.ToArray();
    }

    private static RegistryException ManifestUnknown(V2Route route) =>
        new(ErrorCatalog.ManifestUnknown, $"manifest '{route.Argument}' is not in repository {route.Name}",
            new { name = route.Name, reference = route.Argument });
}
