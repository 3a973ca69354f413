using OrleansRegistry.Core;

namespace OrleansRegistry.Server.Routing;

/// <summary>
/// A parsed <c>/v2/</c> path: the resource, the repository name as it appeared and the last path segment it names.
/// <see cref="Repository"/> is set once the name has passed the grammar (V2Endpoints), before any endpoint runs.
/// </summary>
public sealed record V2Route(V2RouteKind Kind, string Name = "", string Argument = "")
{
    public RepositoryName Repository { get; init; }

    /// <summary>
    /// The upstream namespace of a <c>?ns=</c> request routed into that mirror's prefix (the response says
    /// <c>OCI-Namespace</c>), or null.
    /// </summary>
    public string? Namespace { get; init; }
}
