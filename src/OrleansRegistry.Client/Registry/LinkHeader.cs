namespace OrleansRegistry.Client.Registry;

/// <summary>
/// The <c>Link</c> header of paged lists (spec: "Listing Tags"; RFC 8288): <c>&lt;url&gt;; rel="next"</c>, possibly
/// among other links, with a URL relative to the request or absolute.
/// </summary>
internal static class LinkHeader
{
    public static Uri? Next(HttpResponseMessage response)
    {
        if (!response.Headers.TryGetValues("Link", out var values))
            return null;
        foreach (var value in values)
        {
            var rest = value.AsSpan();
            while (true)
            {
                var open = rest.IndexOf('<');
                if (open < 0)
                    break;
                var close = rest[open..].IndexOf('>');
                if (close < 0)
                    break;
                var target = rest.Slice(open + 1, close - 1).ToString();
                rest = rest[(open + close + 1)..];
                var nextLink = rest.IndexOf('<');
                var parameters = nextLink < 0 ? rest : rest[..nextLink];
                if (IsRelNext(parameters))
                    return new Uri(response.RequestMessage!.RequestUri!, target);
            }
        }
        return null;
    }

    // rel may be quoted or not and may list several relation types ("next prev").
    private static bool IsRelNext(ReadOnlySpan<char> parameters)
    {
        foreach (var range in parameters.Split(';'))
        {
            var parameter = parameters[range].Trim();
            if (!parameter.StartsWith("rel", StringComparison.OrdinalIgnoreCase))
                continue;
            var equals = parameter.IndexOf('=');
            if (equals < 0)
                continue;
            var relations = parameter[(equals + 1)..].Trim().Trim('"').Trim(',').Trim('"');
            foreach (var relation in relations.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                if (relation.Equals("next", StringComparison.OrdinalIgnoreCase))
                    return true;
            }
        }
        return false;
    }
}
