namespace OrleansRegistry.Client.Registry.Auth;

/// <summary>
/// The token scope a request needs, worked out before sending it, so that a token fetched once can go with later
/// requests (and with streamed uploads, which cannot be replayed after a 401): <c>repository:NAME:pull</c> for
/// <c>GET</c>/<c>HEAD</c>, <c>repository:NAME:pull,push</c> for writes, <c>registry:catalog:*</c> for the catalog.
/// </summary>
internal static class RequestScope
{
    private static readonly string[] Kinds = ["/blobs/", "/manifests/", "/tags/", "/referrers/"];

    /// <summary>The scope, or null for a request outside the registry's <c>v2/</c> (or <c>GET /v2/</c> itself).</summary>
    public static string? For(Uri registryBase, HttpRequestMessage request)
    {
        var uri = request.RequestUri;
        if (uri is null || !uri.IsAbsoluteUri || !SameOrigin(registryBase, uri))
            return null;
        var prefix = registryBase.AbsolutePath + "v2/";
        var path = uri.AbsolutePath;
        if (!path.StartsWith(prefix, StringComparison.Ordinal))
            return null;
        var rest = path[prefix.Length..];
        if (rest == "_catalog")
            return "registry:catalog:*";
        var cut = -1;
        foreach (var kind in Kinds)
            cut = Math.Max(cut, rest.LastIndexOf(kind, StringComparison.Ordinal));
        if (cut <= 0)
            return null;
        var name = Uri.UnescapeDataString(rest[..cut]);
        var read = request.Method == HttpMethod.Get || request.Method == HttpMethod.Head;
        return read ? $"repository:{name}:pull" : $"repository:{name}:pull,push";
    }

    public static bool SameOrigin(Uri a, Uri b) =>
        string.Equals(a.Scheme, b.Scheme, StringComparison.OrdinalIgnoreCase)
        && string.Equals(a.Host, b.Host, StringComparison.OrdinalIgnoreCase)
        && a.Port == b.Port;
}
