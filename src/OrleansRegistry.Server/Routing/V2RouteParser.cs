using OrleansRegistry.Grains.Mirrors;

namespace OrleansRegistry.Server.Routing;

/// <summary>
/// Parses <c>/v2/…</c> paths. Repository names contain '/', which ASP.NET route values can't carry, so the
/// resource is recognised from the end of the path and everything before it is the name. Returns null for a
/// path that names no resource; the name is returned unvalidated (the caller answers NAME_INVALID).
/// </summary>
public static class V2RouteParser
{
    private static readonly object RouteKey = new();

    /// <summary>
    /// The request's route, parsed once per request: the metrics and authorization middleware use it before the /v2
    /// endpoint dispatches on it. A <c>?ns=</c> naming a mirror's upstream puts the name under that mirror's prefix.
    /// </summary>
    public static V2Route? ForRequest(HttpContext context)
    {
        if (context.Items.TryGetValue(RouteKey, out var parsed)) return (V2Route?)parsed;
        var route = Parse(context.Request.Path.Value ?? "");
        if (route is { Kind: not (V2RouteKind.Base or V2RouteKind.Catalog) } && context.Request.Query["ns"] is [{ Length: > 0 } ns]
            && context.RequestServices.GetService<MirrorSet>()?.ForNamespace(ns) is { } mirror)
        {
            // The proxying extension: ns names the upstream the client means; its repositories live under the prefix.
            route = route with { Name = mirror.Prefix + route.Name, Namespace = mirror.Namespace };
        }
        context.Items[RouteKey] = route;
        return route;
    }

    public static V2Route? Parse(string path)
    {
        if (!path.StartsWith("/v2", StringComparison.Ordinal)) return null;
        var rest = path.AsSpan(3);
        if (rest.IsEmpty || rest is "/") return new V2Route(V2RouteKind.Base);
        if (rest[0] != '/') return null;
        rest = rest[1..];
        if (rest is "_catalog") return new V2Route(V2RouteKind.Catalog);

        if (TrimSuffix(rest, "/tags/list", out var name)) return new V2Route(V2RouteKind.TagsList, name);
        if (TrimSuffix(rest, "/blobs/uploads/", out name) || TrimSuffix(rest, "/blobs/uploads", out name))
            return new V2Route(V2RouteKind.UploadStart, name);

        var lastSlash = rest.LastIndexOf('/');
        if (lastSlash <= 0) return null;
        var last = rest[(lastSlash + 1)..].ToString();
        var head = rest[..lastSlash];

        if (TrimSuffix(head, "/blobs/uploads", out name)) return new V2Route(V2RouteKind.Upload, name, last);
        if (TrimSuffix(head, "/manifests", out name)) return new V2Route(V2RouteKind.Manifest, name, last);
        if (TrimSuffix(head, "/blobs", out name)) return new V2Route(V2RouteKind.Blob, name, last);
        if (TrimSuffix(head, "/referrers", out name)) return new V2Route(V2RouteKind.Referrers, name, last);
        return null;
    }

    private static bool TrimSuffix(ReadOnlySpan<char> value, string suffix, out string name)
    {
        if (value.Length > suffix.Length && value.EndsWith(suffix, StringComparison.Ordinal))
        {
            name = value[..^suffix.Length].ToString();
            return true;
        }
        name = "";
        return false;
    }
}
