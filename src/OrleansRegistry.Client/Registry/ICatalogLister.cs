namespace OrleansRegistry.Client.Registry;

/// <summary>The registry's repositories (<c>GET /v2/_catalog</c>, an extension most registries serve).</summary>
public interface ICatalogLister
{
    /// <summary>Every repository name, page by page as the caller enumerates, following <c>Link: rel="next"</c>.</summary>
    IAsyncEnumerable<string> ListRepositoriesAsync(int? pageSize = null, string? last = null, CancellationToken ct = default);
}
