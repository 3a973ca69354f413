namespace OrleansRegistry.Server.Endpoints;

/// <summary>Keyset pages: the caller fetched one item more than the page, which tells whether a next page exists.</summary>
public static class Pagination
{
    public static IReadOnlyList<string> TakePage(HttpContext context, IReadOnlyList<string> fetched, int limit, string path)
    {
        if (fetched.Count <= limit) return fetched;
        var page = fetched.Take(limit).ToList();
        var next = $"{path}?n={limit}&last={Uri.EscapeDataString(page[^1])}";
        context.Response.Headers.Link = $"<{next}>; rel=\"next\"";
        return page;
    }
}
