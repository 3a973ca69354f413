using System.Net;

namespace OrleansRegistry.Client.Tests.Infrastructure;

/// <summary>One request as the client sent it and what came back (no status when it failed in transit).</summary>
public sealed record RecordedRequest(HttpMethod Method, Uri Uri, string? Range, string? ContentRange,
    HttpStatusCode? Status, string? ResponseRange, Exception? Failure)
{
    public bool IsPatch => Method == HttpMethod.Patch;

    /// <summary>The first byte of a PATCH's <c>Content-Range: start-end</c>.</summary>
    public long ContentRangeStart => long.Parse(ContentRange!.Split('-')[0]);

    /// <summary>Bytes an upload status response says the registry holds (<c>Range: 0-last</c>).</summary>
    public long CommittedBytes => ResponseRange is { } r && long.Parse(r.Split('-')[1]) is var last and > 0 ? last + 1 : 0;

    // The record's generated ToString would call the derived properties above, which throw on a request without
    // those headers; an assertion message must show the request instead.
    public override string ToString() =>
        $"{Method} {Uri.PathAndQuery} Range={Range} Content-Range={ContentRange} -> {(Status is { } s ? (int)s : "failed")} Range={ResponseRange}";
}
