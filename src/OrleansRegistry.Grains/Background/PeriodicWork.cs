namespace OrleansRegistry.Grains.Background;

/// <summary>
/// The loop of the silo's background services (upload expiry, scheduled collection, storage usage): do the work every
/// period until the silo stops. A failed round is reported and the next tick tries again, so one bad round (a database
/// restarting) never ends the loop.
/// </summary>
public static class PeriodicWork
{
    /// <param name="first">Run once at start (true) or only after the first period (false).</param>
    public static async Task RunAsync(TimeSpan period, TimeProvider clock, bool first, Func<CancellationToken, Task> work,
        Action<Exception> failed, CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(period, clock);
        if (!first && !await timer.WaitForNextTickAsync(stoppingToken)) return;
        do
        {
            try { await work(stoppingToken); }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested) { failed(e); }
        } while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
