using OrleansRegistry.Core.Access;
using OrleansRegistry.Server.Routing;

namespace OrleansRegistry.Server.Security.Authorization;

/// <summary>
/// What each <c>/v2/</c> request needs, in one place (distribution's mapping): GET/HEAD on manifests, blobs, tags and
/// referrers <c>pull</c>; manifest PUT and every upload step but DELETE <c>pull,push</c>; DELETE of a manifest or blob
/// <c>delete</c>, of an upload session <c>push</c>; the catalog <c>registry:catalog:*</c>; <c>/v2/</c> itself (and any
/// path that names no resource) only an authenticated caller (<see cref="Scope"/> null).
/// A mount's <c>pull</c> on <c>from</c> is not required here: without it the mount falls back to a session (UploadEndpoints).
/// </summary>
public sealed record RequiredAccess(ResourceScope? Scope)
{
    private static readonly RequiredAccess AnyCaller = new((ResourceScope?)null);

    public bool IsWrite => Scope is { } s && (s.Allows(AccessActions.Push) || s.Allows(AccessActions.Delete)) && s.Type == AccessActions.RepositoryType;

    public static RequiredAccess For(V2Route? route, string method)
    {
        if (route is null || route.Kind == V2RouteKind.Base) return AnyCaller;
        if (route.Kind == V2RouteKind.Catalog) return new(ResourceScope.Catalog);
        var read = HttpMethods.IsGet(method) || HttpMethods.IsHead(method);
        var delete = HttpMethods.IsDelete(method);
        string[] actions = route.Kind switch
        {
            V2RouteKind.Manifest or V2RouteKind.Blob when read => [AccessActions.Pull],
            V2RouteKind.TagsList or V2RouteKind.Referrers when read => [AccessActions.Pull],
            V2RouteKind.Manifest or V2RouteKind.Blob when delete => [AccessActions.Delete],
            V2RouteKind.Upload when delete => [AccessActions.Push],
            _ => [AccessActions.Pull, AccessActions.Push], // uploads, manifest PUT, and methods the endpoint will refuse
        };
        return new(ResourceScope.Repository(route.Name, actions));
    }
}
