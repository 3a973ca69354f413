namespace OrleansRegistry.TestSupport.Network;

/// <summary>A server start that failed only because a port it was given is taken: start again with other ports.</summary>
public sealed class PortInUseException(string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>What servers print when bind(2) fails with EADDRINUSE: Kestrel ("address already in use"), .NET
    /// sockets and PostgreSQL ("Address already in use"), Go ("bind: address already in use").</summary>
    public static bool IsReportedIn(string output) => output.Contains("address already in use", StringComparison.OrdinalIgnoreCase);
}

/// <summary>
/// Starts a server, and starts it again (with the ports the next attempt picks) when it failed with
/// <see cref="PortInUseException"/>; bounded in attempts, and the last failure explains itself.
/// </summary>
public static class BindRetry
{
    public const int Attempts = 5;

    public static async Task<T> StartAsync<T>(string what, Func<int, Task<T>> start, TimeSpan? pause = null)
    {
        var failures = new List<string>();
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await start(attempt);
            }
            catch (PortInUseException e) when (attempt < Attempts)
            {
                failures.Add(e.Message);
                if (pause is { } delay) await Task.Delay(delay);
            }
            catch (PortInUseException e)
            {
                failures.Add(e.Message);
                throw new InvalidOperationException(
                    $"{what}: a port was in use at each of {Attempts} starts:\n{string.Join("\n---\n", failures)}", e);
            }
        }
    }
}
