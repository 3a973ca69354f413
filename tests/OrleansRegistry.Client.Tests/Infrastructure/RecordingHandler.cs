using System.Collections.Concurrent;

namespace OrleansRegistry.Client.Tests.Infrastructure;

/// <summary>Records every request the client sends, in order, with the headers the upload and download protocols turn on.</summary>
public sealed class RecordingHandler : DelegatingHandler
{
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();

    public IReadOnlyList<RecordedRequest> Requests => _requests.ToArray();

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        var range = request.Headers.Range?.ToString();
        var contentRange = request.Content?.Headers.TryGetValues("Content-Range", out var values) == true
            ? string.Join(",", values)
            : null;
        try
        {
            var response = await base.SendAsync(request, ct);
            var responseRange = response.Headers.TryGetValues("Range", out var r) || response.Content.Headers.TryGetValues("Range", out r)
                ? string.Join(",", r)
                : null;
            _requests.Enqueue(new(request.Method, request.RequestUri!, range, contentRange, response.StatusCode, responseRange, null));
            return response;
        }
        catch (Exception e)
        {
            _requests.Enqueue(new(request.Method, request.RequestUri!, range, contentRange, null, null, e));
            throw;
        }
    }
}
