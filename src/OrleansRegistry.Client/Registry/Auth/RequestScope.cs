using OrleansRegistry.Core.Access;

namespace OrleansRegistry.Client.Registry.Auth;

/// <summary>
/// The token scopes a request needs, worked out before sending it, so that a token fetched once can go with later
/// requests (and with streamed uploads, which cannot be replayed after a 401), as distribution asks for them:
/// <c>repository:NAME:pull</c> for <c>GET</c>/<c>HEAD</c>, <c>repository:NAME:delete</c> for <c>DELETE</c>,
/// <c>repository:NAME:pull,push</c> for other writes, plus <c>repository:FROM:pull</c> for a mount
/// (<c>?from=FROM</c>), and <c>registry:catalog:*</c> for the catalog.
/// </summary>
internal static class RequestScope
{
    private static readonly string[] Kinds = ["/blobs/", "/manifests/", "/tags/", "/referrers/"];

    /// <summary>
    /// The scopes as one cache key (<see cref="Key"/>), or null for a request outside the registry's <c>v2/</c>
    /// (or <c>GET /v2/</c> itself).
    /// </summary>
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
        var method = request.Method;
        var scope = method == HttpMethod.Get || method == HttpMethod.Head ? $"repository:{name}:pull"
            // Not pull,push: distribution wants delete alone, and a token for more than that may be refused.
            : method == HttpMethod.Delete ? $"repository:{name}:delete"
            : $"repository:{name}:pull,push";
        // A mount also reads the source repository; a token without that meets a 401 the mount would have to replay.
        return QueryValue(uri, "from") is { Length: > 0 } from && from != name
            ? Key([scope, $"repository:{from}:pull"])
            : scope;
    }

    /// <summary>
    /// Scopes in one canonical form, so that equal sets of rights share a cached token: actions sorted within each
    /// scope (distribution lists them in Go map order, <c>push,pull</c> as often as <c>pull,push</c>), scopes sorted
    /// and joined by spaces.
    /// </summary>
    public static string Key(IEnumerable<string> scopes) =>
        string.Join(' ', scopes.Select(Canonical).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal));

    /// <summary><c>type:name:actions</c> with the actions sorted (Core's scope grammar); text outside it is kept as it is.</summary>
    private static string Canonical(string scope) =>
        ResourceScope.TryParse(scope.Trim(), out var parsed) ? parsed.Canonical().ToString() : scope;

    private static string? QueryValue(Uri uri, string name)
    {
        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=');
            if (eq > 0 && pair[..eq] == name)
                return Uri.UnescapeDataString(pair[(eq + 1)..].Replace('+', ' '));
        }
        return null;
    }

    public static bool SameOrigin(Uri a, Uri b) =>
        string.Equals(a.Scheme, b.Scheme, StringComparison.OrdinalIgnoreCase)
        && string.Equals(a.Host, b.Host, StringComparison.OrdinalIgnoreCase)
        && a.Port == b.Port;
}
