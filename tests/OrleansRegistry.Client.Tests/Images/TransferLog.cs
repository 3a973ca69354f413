namespace OrleansRegistry.Client.Tests.Images;

/// <summary>
/// An ordered, thread-safe record of what an instrumented seam saw per window item: "start" (the transfer first
/// touched the store), "paused" (it reached its gate with part of the blob moved), "fail" (the test's failure was
/// thrown), "end" (the store call finished). Tests wait on it with a bound, never a sleep.
/// </summary>
public sealed class TransferLog
{
    private readonly List<(string Kind, int Index)> _events = [];
    private readonly SemaphoreSlim _changed = new(0);
    private int _running;
    private int _maxConcurrency;

    public int MaxConcurrency { get { lock (_events) return _maxConcurrency; } }

    public IReadOnlyList<(string Kind, int Index)> Events { get { lock (_events) return _events.ToList(); } }

    public List<int> Of(string kind) => Events.Where(e => e.Kind == kind).Select(e => e.Index).ToList();

    public void Add(string kind, int index)
    {
        lock (_events)
        {
            _events.Add((kind, index));
            if (kind == "start") _maxConcurrency = Math.Max(_maxConcurrency, ++_running);
            if (kind == "end") _running--;
        }
        _changed.Release();
    }

    public int IndexOf(string kind, int index) { lock (_events) return _events.IndexOf((kind, index)); }

    /// <summary>Waits until <paramref name="condition"/> holds over the events, at most <paramref name="bound"/>.</summary>
    public async Task WaitUntilAsync(Func<TransferLog, bool> condition, TimeSpan bound, string what)
    {
        var deadline = DateTime.UtcNow + bound;
        while (!condition(this))
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero || !await _changed.WaitAsync(left))
                throw new TimeoutException($"waited {bound} for {what}: {this}");
        }
    }

    public Task WaitForAsync(string kind, int index, TimeSpan bound) =>
        WaitUntilAsync(l => l.IndexOf(kind, index) >= 0, bound, $"{kind}{index}");

    public override string ToString() => string.Join(" ", Events.Select(e => $"{e.Kind}{e.Index}"));
}
