using OrleansRegistry.Grains.Collection;
using OrleansRegistry.Server.Endpoints;
using OrleansRegistry.Storage.Collection;

namespace OrleansRegistry.Server.Hosting;

/// <summary>
/// The operator's storage endpoints, on the operations group (admins only when authentication is on):
/// <c>POST /admin/gc?dry-run=true|false</c> runs a collection now and answers its report (409 while another runs);
/// <c>GET /admin/storage?n=&amp;last=</c> pages storage usage per repository, with a <c>Link</c> as the catalog has.
/// </summary>
public static class AdminEndpoints
{
    public const string CollectPath = "/admin/gc";
    public const string StoragePath = "/admin/storage";

    public static RouteGroupBuilder MapAdminEndpoints(this RouteGroupBuilder operations)
    {
        operations.MapPost(CollectPath, CollectAsync);
        operations.MapGet(StoragePath, StorageAsync);
        return operations;
    }

    private static async Task<IResult> CollectAsync(HttpContext context, GarbageCollector collector, IHostApplicationLifetime lifetime)
    {
        var value = context.Request.Query["dry-run"].ToString();
        if (!TryParseDryRun(value, out var dryRun))
            return Results.Json(new { error = $"dry-run must be true or false, not '{value}'" }, statusCode: StatusCodes.Status400BadRequest);
        try
        {
            // Not the request's token: a client that stops waiting does not stop a collection halfway.
            return Results.Json(await collector.RunAsync(dryRun, lifetime.ApplicationStopping));
        }
        catch (CollectorBusyException e)
        {
            return Results.Json(new { error = e.Message }, statusCode: StatusCodes.Status409Conflict);
        }
    }

    private static bool TryParseDryRun(string value, out bool dryRun)
    {
        dryRun = false;
        return value.Length == 0 || bool.TryParse(value, out dryRun);
    }

    private static async Task<IResult> StorageAsync(HttpContext context, IStorageUsage storage)
    {
        var (limit, last) = RequestArguments.Page(context.Request);
        var fetched = limit == 0 ? [] : await storage.ListUsageAsync(last, limit + 1, context.RequestAborted);
        var page = Pagination.TakePage(context, fetched, limit, StoragePath, u => u.Repository.Value);
        return Results.Json(new StoragePage(page.Select(RepositoryStorage.Of).ToList()));
    }

    private sealed record StoragePage(IReadOnlyList<RepositoryStorage> Repositories);

    /// <summary>A <see cref="RepositoryUsage"/> as the endpoint answers it: the repository as its plain name.</summary>
    private sealed record RepositoryStorage(string Repository, long Bytes, long Blobs, long Manifests)
    {
        public static RepositoryStorage Of(RepositoryUsage usage) => new(usage.Repository.Value, usage.Bytes, usage.Blobs, usage.Manifests);
    }
}
