namespace OrleansRegistry.TestSupport;

/// <summary>
/// The system clock, which a test moves forward at once (<see cref="Advance"/>) when it needs time to pass, e.g. a
/// writer's lease to lapse, instead of sleeping. Only the wall clock moves: timers and timestamps stay the system's,
/// so whatever else reads this provider (the Orleans runtime in a test silo) keeps running as before.
/// </summary>
public sealed class TestClock : TimeProvider
{
    private long _offsetTicks;

    /// <summary>How far ahead of the system clock this clock is.</summary>
    public TimeSpan Offset => TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));

    public override DateTimeOffset GetUtcNow() => TimeProvider.System.GetUtcNow() + Offset;

    public void Advance(TimeSpan by)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(by, TimeSpan.Zero);
        Interlocked.Add(ref _offsetTicks, by.Ticks);
    }
}
