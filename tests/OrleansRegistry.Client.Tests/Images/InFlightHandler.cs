namespace OrleansRegistry.Client.Tests.Images;

/// <summary>Counts the requests sent and those still in flight (sent, response or failure not yet back), so a test can
/// check that a push has no request left running when it returns and sends nothing afterwards. Responses are buffered,
/// which suits pushes (their responses are empty), not pulls.</summary>
public sealed class InFlightHandler : DelegatingHandler
{
    private int _inFlight;
    private int _sent;

    public int InFlight => Volatile.Read(ref _inFlight);

    public int Sent => Volatile.Read(ref _sent);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        Interlocked.Increment(ref _sent);
        Interlocked.Increment(ref _inFlight);
        try
        {
            // Buffered so "in flight" covers the whole exchange, response body included.
            var response = await base.SendAsync(request, ct);
            await response.Content.LoadIntoBufferAsync(ct);
            return response;
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }
}
