using OrleansRegistry.Core;
using OrleansRegistry.Grains.Mirrors;
using OrleansRegistry.Server.Errors;
using OrleansRegistry.Server.Hosting.Limits;
using OrleansRegistry.Server.Mirrors;
using OrleansRegistry.Server.Routing;
using OrleansRegistry.Server.Uploads;
using OrleansRegistry.Storage.Blobs;
using OrleansRegistry.Storage.Index;

namespace OrleansRegistry.Server.Endpoints;

/// <summary>
/// The <c>/v2/</c> surface. ASP.NET routing can't split repository names (they contain '/'), so one catch-all
/// endpoint parses the path and dispatches on resource and method.
/// </summary>
public static class V2Endpoints
{
    public static void MapRegistryV2(this IEndpointRouteBuilder app)
    {
        app.Map("/v2", Dispatch);
        app.Map("/v2/{**path}", Dispatch);
    }

    private static async Task Dispatch(HttpContext context)
    {
        var result = await RouteAsync(context);
        await result.ExecuteAsync(context);
    }

    private static Task<IResult> RouteAsync(HttpContext context)
    {
        var route = V2RouteParser.ForRequest(context);
        if (route is null)
            return Task.FromResult<IResult>(RegistryErrorResult.From(ErrorCatalog.NameUnknown, "no such endpoint"));
        var services = context.RequestServices;
        if (route.Kind is not (V2RouteKind.Base or V2RouteKind.Catalog))
            route = route with { Repository = RepositoryName.Parse(route.Name, services.GetRequiredService<LimitsOptions>().MaxNameLength) };

        var grains = services.GetRequiredService<IGrainFactory>();
        var method = context.Request.Method;
        var read = HttpMethods.IsGet(method) || HttpMethods.IsHead(method);
        if (route.Namespace is { } ns) context.Response.Headers[RegistryHeaders.OciNamespace] = ns;
        if (!read && route.Kind is not (V2RouteKind.Base or V2RouteKind.Catalog)
            && services.GetRequiredService<MirrorSet>().Match(route.Repository) is { Mirror.Options.ReadOnly: true } mirrored)
            return Task.FromResult(ReadOnlyMirror(context, mirrored));

        return (route.Kind, method) switch
        {
            (V2RouteKind.Base, _) when read => Task.FromResult(BaseEndpoints.Check()),
            (V2RouteKind.Catalog, "GET") => CatalogEndpoints.List(context, services.GetRequiredService<IRegistryIndex>()),
            (V2RouteKind.TagsList, "GET") => TagEndpoints.List(context, route, services.GetRequiredService<IRegistryIndex>()),
            (V2RouteKind.Referrers, "GET") => ReferrerEndpoints.List(context, route, services.GetRequiredService<IRegistryIndex>()),
            (V2RouteKind.Manifest, _) when read => ManifestEndpoints.Get(context, route, grains, services.GetRequiredService<MirrorSet>()),
            (V2RouteKind.Manifest, "PUT") => ManifestEndpoints.Put(context, route, grains),
            (V2RouteKind.Manifest, "DELETE") => ManifestEndpoints.Delete(route, grains),
            (V2RouteKind.Blob, _) when read => BlobEndpoints.Get(context, route, grains, services.GetRequiredService<IBlobStore>(),
                services.GetRequiredService<MirroredBlobs>()),
            (V2RouteKind.Blob, "DELETE") => BlobEndpoints.Delete(route, grains),
            (V2RouteKind.UploadStart, "POST") => UploadEndpoints.Start(context, route, services.GetRequiredService<BlobUploader>(), grains),
            (V2RouteKind.Upload, "GET") => UploadEndpoints.Status(context, route, grains),
            (V2RouteKind.Upload, "PATCH") => UploadEndpoints.Patch(context, route, services.GetRequiredService<BlobUploader>(), grains),
            (V2RouteKind.Upload, "PUT") => UploadEndpoints.Finish(context, route, services.GetRequiredService<BlobUploader>(), grains),
            (V2RouteKind.Upload, "DELETE") => UploadEndpoints.Cancel(context, route, grains),
            _ => Task.FromResult(MethodNotAllowed(context, route.Kind)),
        };
    }

    // The methods each resource answers above; RFC 9110 section 15.5.6: a 405 MUST carry them in Allow.
    private static readonly Dictionary<V2RouteKind, string> Allowed = new()
    {
        [V2RouteKind.Base] = "GET, HEAD",
        [V2RouteKind.Catalog] = "GET",
        [V2RouteKind.TagsList] = "GET",
        [V2RouteKind.Referrers] = "GET",
        [V2RouteKind.Manifest] = "GET, HEAD, PUT, DELETE",
        [V2RouteKind.Blob] = "GET, HEAD, DELETE",
        [V2RouteKind.UploadStart] = "POST",
        [V2RouteKind.Upload] = "GET, PATCH, PUT, DELETE",
    };

    // A mirror holds the upstream's content: writing there would make it disagree with the upstream.
    private static IResult ReadOnlyMirror(HttpContext context, MirroredRepository mirrored)
    {
        context.Response.Headers.Allow = "GET, HEAD";
        return RegistryErrorResult.From(ErrorCatalog.Unsupported,
            $"{mirrored.Local} is in the read-only mirror of {mirrored.Mirror.Namespace} (prefix '{mirrored.Mirror.Prefix}'): " +
            $"{context.Request.Method} is not supported there", new { name = mirrored.Local.Value, upstream = mirrored.Mirror.Namespace });
    }

    private static IResult MethodNotAllowed(HttpContext context, V2RouteKind kind)
    {
        context.Response.Headers.Allow = Allowed[kind];
        return RegistryErrorResult.From(ErrorCatalog.Unsupported, $"{context.Request.Method} is not supported on this resource");
    }
}
