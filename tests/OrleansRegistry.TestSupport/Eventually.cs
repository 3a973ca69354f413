namespace OrleansRegistry.TestSupport;

/// <summary>Repeats an attempt that fails in an expected, passing way (a silo not yet declared dead, a lease not yet
/// expired) until it succeeds, bounded in time; the last failure is rethrown.</summary>
public static class Eventually
{
    public static async Task<T> SucceedsAsync<T>(Func<Task<T>> attempt, Func<Exception, bool> retryOn, TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        while (true)
        {
            try { return await attempt(); }
            catch (Exception e) when (retryOn(e) && DateTime.UtcNow < deadline) { await Task.Delay(100); }
        }
    }
}
