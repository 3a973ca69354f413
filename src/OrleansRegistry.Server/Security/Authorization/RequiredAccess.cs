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
    private static readonly RequiredAccess Catalog = new(ResourceScope.Catalog);
    private static readonly string[] Pull = [AccessActions.Pull];
    private static readonly string[] Delete = [AccessActions.Delete];
    private static readonly string[] Push = [AccessActions.Push];
    private static readonly string[] PullPush = [AccessActions.Pull, AccessActions.Push];

    public bool IsWrite { get; } = Scope is { Type: AccessActions.RepositoryType } s && (s.Allows(AccessActions.Push) || s.Allows(AccessActions.Delete));

    public static RequiredAccess For(V2Route? route, string method)
    {
        if (route is null || route.Kind == V2RouteKind.Base) return AnyCaller;
        if (route.Kind == V2RouteKind.Catalog) return Catalog;
        var read = HttpMethods.IsGet(method) || HttpMethods.IsHead(method);
        var delete = HttpMethods.IsDelete(method);
        string[] actions = route.Kind switch
        {
            V2RouteKind.Manifest or V2RouteKind.Blob when read => Pull,
            V2RouteKind.TagsList or V2RouteKind.Referrers when read => Pull,
            V2RouteKind.Manifest or V2RouteKind.Blob when delete => Delete,
            V2RouteKind.Upload when delete => Push,
            _ => PullPush, // uploads, manifest PUT, and methods the endpoint will refuse
        };
        return new(ResourceScope.Repository(route.Name, actions));
    }
}
