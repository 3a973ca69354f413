namespace OrleansRegistry.Server.Routing;

/// <summary>A parsed <c>/v2/</c> path: the resource, the repository name and the last path segment it names.</summary>
public sealed record V2Route(V2RouteKind Kind, string Name = "", string Argument = "");
