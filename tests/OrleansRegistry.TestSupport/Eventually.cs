namespace OrleansRegistry.TestSupport;

/// <summary>Waits, bounded in time, for something that happens asynchronously (a log line, a file gone, a lease
/// expired): by polling a condition, or by repeating an attempt that fails in an expected, passing way.</summary>
public static class Eventually
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(50);

    /// <summary>Repeats <paramref name="attempt"/> while it fails as <paramref name="retryOn"/> allows (a silo not yet
    /// declared dead, a lease not yet expired) until it succeeds; past <paramref name="limit"/> the last failure is rethrown.</summary>
    public static async Task<T> SucceedsAsync<T>(Func<Task<T>> attempt, Func<Exception, bool> retryOn, TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        while (true)
        {
            try { return await attempt(); }
            catch (Exception e) when (retryOn(e) && DateTime.UtcNow < deadline) { await Task.Delay(100); }
        }
    }

    /// <summary>Polls <paramref name="condition"/> until it holds. Past <paramref name="limit"/> throws a
    /// <see cref="TimeoutException"/> naming <paramref name="what"/> was awaited, with <paramref name="detail"/> (e.g. a
    /// process's output) if given.</summary>
    public static async Task TrueAsync(Func<Task<bool>> condition, TimeSpan limit, string what, Func<string>? detail = null)
    {
        var deadline = DateTime.UtcNow + limit;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"waited {limit} for {what}" + (detail is null ? "" : ":\n" + detail()));
            await Task.Delay(Poll);
        }
    }

    /// <inheritdoc cref="TrueAsync(Func{Task{bool}}, TimeSpan, string, Func{string}?)"/>
    public static Task TrueAsync(Func<bool> condition, TimeSpan limit, string what, Func<string>? detail = null) =>
        TrueAsync(() => Task.FromResult(condition()), limit, what, detail);
}
