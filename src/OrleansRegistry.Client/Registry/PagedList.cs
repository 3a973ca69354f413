using System.Net;
using System.Runtime.CompilerServices;
using System.Text.Json;
using OrleansRegistry.Client.Errors;

namespace OrleansRegistry.Client.Registry;

/// <summary>Reads a paged JSON list (<c>{"tags":[...]}</c>, <c>{"repositories":[...]}</c>) page by page, following <c>Link</c>.</summary>
internal static class PagedList
{
    // A list page is small; a registry sending more is broken, and reading it whole would cost unbounded memory.
    private const int MaxPageBytes = 16 * 1024 * 1024;

    public static async IAsyncEnumerable<string> ReadAsync(RegistryHttp http, Uri first, string property,
        [EnumeratorCancellation] CancellationToken ct)
    {
        var visited = new HashSet<Uri>();
        for (Uri? uri = first; uri is not null;)
        {
            // A Link that points back to a page already read would loop forever.
            if (!visited.Add(uri))
                throw new RegistryClientException($"the registry's Link header points back to {uri.PathAndQuery}");
            using var request = new HttpRequestMessage(HttpMethod.Get, uri);
            request.Headers.Accept.ParseAdd("application/json");
            using var response = await http.SendExpectingAsync(request, HttpCompletionOption.ResponseHeadersRead,
                [HttpStatusCode.OK], ct).ConfigureAwait(false);
            var items = await ReadItemsAsync(response, property, ct).ConfigureAwait(false);
            var next = LinkHeader.Next(response);
            foreach (var item in items)
                yield return item;
            uri = next;
        }
    }

    private static async Task<List<string>> ReadItemsAsync(HttpResponseMessage response, string property, CancellationToken ct)
    {
        byte[]? body;
        try
        {
            body = await RegistryHttp.TryReadAtMostAsync(response.Content, MaxPageBytes, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (RegistryHttp.IsTransportFailure(e, ct))
        {
            throw RegistryHttp.Transport(HttpMethod.Get, response.RequestMessage?.RequestUri, e);
        }
        if (body is null)
            throw new RegistryClientException($"a list page from {response.RequestMessage?.RequestUri?.AbsolutePath} is over {MaxPageBytes} bytes");
        try
        {
            using var document = JsonDocument.Parse(body);
            var items = new List<string>();
            // distribution answers "tags": null for a repository whose tags were all deleted.
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty(property, out var array)
                && array.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in array.EnumerateArray())
                {
                    if (item.ValueKind == JsonValueKind.String)
                        items.Add(item.GetString()!);
                }
            }
            return items;
        }
        catch (JsonException e)
        {
            throw new RegistryClientException($"the list from {response.RequestMessage?.RequestUri?.AbsolutePath} is not JSON: {e.Message}", e);
        }
    }

    /// <summary>The first page's URL: <c>n</c> and <c>last</c> when given.</summary>
    public static Uri FirstPage(Uri uri, int? pageSize, string? last)
    {
        if (pageSize is { } n)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(n, nameof(pageSize));
            uri = RegistryHttp.WithQuery(uri, "n", n.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        if (last is not null)
            uri = RegistryHttp.WithQuery(uri, "last", last);
        return uri;
    }
}
