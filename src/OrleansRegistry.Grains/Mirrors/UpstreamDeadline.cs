namespace OrleansRegistry.Grains.Mirrors;

/// <summary>
/// When the upstream's answers to one request must all be in: a tag check's HEAD and GET, or a fetch's slot and first
/// headers, share one UpstreamTimeout, so the grain call waiting for them ends before Orleans' response timeout.
/// </summary>
public readonly record struct UpstreamDeadline(DateTimeOffset At)
{
    /// <summary>Time left; zero once passed (a call then fails at once as timed out).</summary>
    public TimeSpan Remaining => At - DateTimeOffset.UtcNow is var left && left > TimeSpan.Zero ? left : TimeSpan.Zero;
}
