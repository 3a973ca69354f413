using OrleansRegistry.Server.Routing;

namespace OrleansRegistry.Server.Observability;

/// <summary>
/// The metric label of a request: the spec resource it addresses (<c>manifest</c>, <c>blob</c>, <c>upload</c>, …),
/// never the raw path. The <c>/v2</c> surface is one catch-all endpoint and paths carry repository names, tags and
/// digests, so a path label would grow without bound.
/// </summary>
public static class RouteLabels
{
    /// <summary>A <c>/v2</c> path that names no resource (answered NAME_UNKNOWN).</summary>
    public const string Unknown = "unknown";

    /// <summary>Anything outside <c>/v2</c>: health, /metrics, the dashboard, stray requests.</summary>
    public const string Other = "other";

    private static readonly string[] Labels = Enum.GetValues<V2RouteKind>().Select(k => SnakeCase(k.ToString())).ToArray();

    public static string Of(HttpContext context)
    {
        if (!context.Request.Path.StartsWithSegments("/v2")) return Other;
        var route = V2RouteParser.ForRequest(context);
        return route is null ? Unknown : Of(route.Kind);
    }

    public static string Of(V2RouteKind kind) => (int)kind < Labels.Length ? Labels[(int)kind] : Unknown;

    private static string SnakeCase(string name) =>
        string.Concat(name.Select((c, i) => char.IsUpper(c) && i > 0 ? "_" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));
}
