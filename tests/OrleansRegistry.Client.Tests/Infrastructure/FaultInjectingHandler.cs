using System.Net;
using System.Net.Http.Headers;

namespace OrleansRegistry.Client.Tests.Infrastructure;

/// <summary>
/// A real seam between the client and the socket: for the requests a predicate picks (each at most
/// <see cref="Times"/> times), it breaks or corrupts the response body of a GET, or breaks the request body of an
/// upload mid-way, so the socket is aborted with part of the body sent, as a dropped connection would.
/// </summary>
public sealed class FaultInjectingHandler(Func<HttpRequestMessage, bool> applies, FaultStream.Kind kind, long at) : DelegatingHandler
{
    private int _matched;
    private int _applied;

    /// <summary>How many matching requests get the fault (later ones pass untouched).</summary>
    public int Times { get; init; } = 1;

    /// <summary>How many requests got the fault.</summary>
    public int Applied => Volatile.Read(ref _applied);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        if (!applies(request) || Interlocked.Increment(ref _matched) > Times)
            return await base.SendAsync(request, ct);
        Interlocked.Increment(ref _applied);

        if (request.Content is { } body && request.Method != HttpMethod.Get)
        {
            request.Content = new FaultContent(body, at);
            return await base.SendAsync(request, ct);
        }

        var response = await base.SendAsync(request, ct);
        if (!response.IsSuccessStatusCode)
            return response;
        var original = response.Content;
        var replaced = new StreamContent(new FaultStream(await original.ReadAsStreamAsync(ct), at, kind));
        foreach (var header in original.Headers)
            replaced.Headers.TryAddWithoutValidation(header.Key, header.Value);
        response.Content = replaced;
        return response;
    }

    /// <summary>The upload's own content, written through a stream that resets after <c>at</c> bytes.</summary>
    private sealed class FaultContent : HttpContent
    {
        private readonly HttpContent _inner;
        private readonly long _at;

        public FaultContent(HttpContent inner, long at)
        {
            _inner = inner;
            _at = at;
            foreach (var header in inner.Headers)
                Headers.TryAddWithoutValidation(header.Key, header.Value);
        }

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
            SerializeToStreamAsync(stream, context, CancellationToken.None);

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken ct)
        {
            var breaking = new FaultStream(stream, _at, FaultStream.Kind.Break);
            await _inner.CopyToAsync(breaking, ct);
        }

        protected override bool TryComputeLength(out long length)
        {
            length = _inner.Headers.ContentLength ?? 0;
            return _inner.Headers.ContentLength is not null;
        }
    }
}
