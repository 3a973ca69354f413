namespace OrleansRegistry.Grains.Mirrors;

/// <summary>
/// Spaces this silo's requests to one upstream at least 1/rate apart (a <c>RequestsPerSecond</c> cap), in arrival
/// order. A waiter past the upstream timeout gives up: the upstream counts as unavailable rather than queueing forever.
/// </summary>
public sealed class UpstreamPacer(double requestsPerSecond, TimeProvider time)
{
    private readonly TimeSpan _spacing = TimeSpan.FromSeconds(1 / requestsPerSecond);
    private readonly Lock _lock = new();
    private DateTimeOffset _next = DateTimeOffset.MinValue;

    /// <summary>Waits for this request's turn; false when the turn is further away than <paramref name="longest"/>.</summary>
    public async Task<bool> WaitTurnAsync(TimeSpan longest, CancellationToken ct)
    {
        DateTimeOffset turn;
        var now = time.GetUtcNow();
        lock (_lock)
        {
            turn = _next > now ? _next : now;
            if (turn - now > longest) return false;
            _next = turn + _spacing;
        }
        if (turn > now) await Task.Delay(turn - now, time, ct).ConfigureAwait(false);
        return true;
    }
}
