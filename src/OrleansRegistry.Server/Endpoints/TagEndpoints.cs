using OrleansRegistry.Core;
using OrleansRegistry.Server.Routing;
using OrleansRegistry.Storage.Index;

namespace OrleansRegistry.Server.Endpoints;

/// <summary>end-8a/8b: <c>GET /v2/&lt;name&gt;/tags/list</c> with <c>n</c>, <c>last</c> and a <c>Link</c> to the next page.</summary>
public static class TagEndpoints
{
    public static async Task<IResult> List(HttpContext context, V2Route route, IRegistryIndex index)
    {
        var (limit, last) = RequestArguments.Page(context.Request);
        var ct = context.RequestAborted;
        var page = limit == 0 ? [] : await index.ListTagsAsync(route.Repository, last, limit + 1, ct);
        // A page with tags proves the repository exists; only an empty one costs a second query.
        if (page.Count == 0 && !await index.RepositoryExistsAsync(route.Repository, ct))
            throw new RegistryException(ErrorCatalog.NameUnknown, $"repository {route.Repository} is not known to this registry",
                new { name = route.Repository.Value });
        var tags = Pagination.TakePage(context, page, limit, $"/v2/{route.Repository}/tags/list", tag => tag.Value);
        return TypedResults.Json(new TagList(route.Repository.Value, tags.Select(tag => tag.Value).ToList()));
    }

    private sealed record TagList(string Name, IReadOnlyList<string> Tags);
}
