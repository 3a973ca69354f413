namespace OrleansRegistry.Client.Registry;

/// <summary>The tags of one repository (spec: "Listing Tags").</summary>
public interface ITagLister
{
    /// <summary>
    /// Every tag in the registry's order, page by page as the caller enumerates, following <c>Link: rel="next"</c>.
    /// <paramref name="pageSize"/> is the <c>n</c> asked for (the registry's default when null); <paramref name="last"/> starts after that tag.
    /// </summary>
    IAsyncEnumerable<string> ListTagsAsync(int? pageSize = null, string? last = null, CancellationToken ct = default);
}
