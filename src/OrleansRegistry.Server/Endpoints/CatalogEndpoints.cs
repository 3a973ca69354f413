using OrleansRegistry.Core;
using OrleansRegistry.Server.Security.Authorization;
using OrleansRegistry.Storage.Index;

namespace OrleansRegistry.Server.Endpoints;

/// <summary><c>GET /v2/_catalog</c> with <c>n</c>, <c>last</c> and a <c>Link</c> to the next page.</summary>
public static class CatalogEndpoints
{
    public static async Task<IResult> List(HttpContext context, IRegistryIndex index)
    {
        var (limit, last) = RequestArguments.Page(context.Request);
        // With authentication on, only the repositories the caller may pull (docs/security.md#access-rules).
        var policy = context.RequestServices.GetService<AccessPolicy>();
        IReadOnlyList<RepositoryName> page = limit == 0 ? []
            : policy is null ? await index.ListRepositoriesAsync(last, limit + 1, context.RequestAborted)
            : await VisibleRepositories.ListAsync(index, policy, context.User, last, limit + 1, context.RequestAborted);
        var names = Pagination.TakePage(context, page, limit, "/v2/_catalog", name => name.Value);
        return TypedResults.Json(new Catalog(names.Select(name => name.Value).ToList()));
    }

    private sealed record Catalog(IReadOnlyList<string> Repositories);
}
