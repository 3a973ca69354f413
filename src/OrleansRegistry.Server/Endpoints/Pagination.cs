namespace OrleansRegistry.Server.Endpoints;

/// <summary>Keyset pages: the caller fetched one item more than the page, which tells whether a next page exists.</summary>
public static class Pagination
{
    public static IReadOnlyList<string> TakePage(HttpContext context, IReadOnlyList<string> fetched, int limit, string path) =>
        TakePage(context, fetched, limit, path, item => item);

    /// <summary>The page of <paramref name="fetched"/>, with a <c>Link</c> to the next one keyed by <paramref name="key"/>.</summary>
    public static IReadOnlyList<T> TakePage<T>(HttpContext context, IReadOnlyList<T> fetched, int limit, string path, Func<T, string> key)
    {
        if (fetched.Count <= limit) return fetched;
        var page = fetched.Take(limit).ToList();
        var next = $"{path}?n={limit}&last={Uri.EscapeDataString(key(page[^1]))}";
        context.Response.Headers.Link = $"<{next}>; rel=\"next\"";
        return page;
    }
}
