using System.Collections.Concurrent;
using OrleansRegistry.Client.Transfers;

namespace OrleansRegistry.Client.Tests.Transfers;

/// <summary>
/// Layer i may start only when layer i − window has finished successfully; the first error aborts
/// everything (in-flight transfers cancelled, none started after it, every task finished before the call returns) and
/// is what the caller gets. Deterministic: transfers are gated by completion sources the test releases, and the
/// recorded event log is checked, never timing.
/// </summary>
public sealed class TransferWindowTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    [Theory]
    [InlineData(1, 6)]
    [InlineData(2, 7)]
    [InlineData(3, 10)]
    [InlineData(8, 5)]
    public async Task Transfer_i_starts_only_after_transfer_i_minus_window_finished(int window, int count)
    {
        var log = new EventLog();
        var gates = Enumerable.Range(0, count).Select(_ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).ToArray();
        var transfers = Enumerable.Range(0, count).Select(i => (Func<CancellationToken, Task>)(async ct =>
        {
            log.Start(i);
            try { await gates[i].Task.WaitAsync(ct); }
            finally { log.End(i); }
        })).ToList();

        var run = TransferWindow.RunAsync(transfers, window);
        // Release in reverse order of index within what has started, so any wrong dependency would show.
        var released = new HashSet<int>();
        while (released.Count < count)
        {
            var started = await log.WaitForStartsAsync(released.Count + 1, Bound);
            var next = started.Where(i => !released.Contains(i)).Max();
            released.Add(next);
            gates[next].SetResult();
        }
        await run.WaitAsync(Bound);

        for (var i = window; i < count; i++)
            Assert.True(log.IndexOf("end", i - window) < log.IndexOf("start", i),
                $"transfer {i} started before transfer {i - window} ended: {log}");
        Assert.True(log.MaxConcurrency <= window, $"max concurrency {log.MaxConcurrency} > window {window}");
        Assert.Equal(Math.Min(window, count), log.MaxConcurrency);
    }

    [Theory]
    [InlineData(2, 8, 3)]
    [InlineData(3, 9, 0)]
    [InlineData(1, 5, 4)]
    public async Task First_failure_cancels_in_flight_starts_nothing_more_and_is_rethrown(int window, int count, int failing)
    {
        var log = new EventLog();
        var gates = Enumerable.Range(0, count).Select(_ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).ToArray();
        var failure = new InvalidOperationException($"layer {failing} failed");
        var transfers = Enumerable.Range(0, count).Select(i => (Func<CancellationToken, Task>)(async ct =>
        {
            log.Start(i);
            try
            {
                await gates[i].Task.WaitAsync(ct);
                if (i == failing) throw failure;
            }
            finally { log.End(i); }
        })).ToList();

        var run = TransferWindow.RunAsync(transfers, window);
        // Let every transfer before the failing one finish, then fail it while its window peers are in flight.
        for (var i = 0; i < failing; i++) { await log.WaitForStartAsync(i, Bound); gates[i].SetResult(); }
        // Wait until every transfer whose predecessor has finished is in flight (failing … failing + window − 1):
        // they may legitimately start, and must not race the failure this test injects.
        var inFlight = Enumerable.Range(failing, Math.Min(window, count - failing)).ToList();
        foreach (var i in inFlight) await log.WaitForStartAsync(i, Bound);
        gates[failing].SetResult();

        var thrown = await Assert.ThrowsAsync<InvalidOperationException>(() => run.WaitAsync(Bound));
        Assert.Same(failure, thrown);
        // Every transfer that started has ended by the time RunAsync returned: no task is left running.
        Assert.Equal(log.Started.OrderBy(i => i), log.Ended.OrderBy(i => i));
        // Nothing started after the failure.
        var failedAt = log.IndexOf("end", failing);
        Assert.DoesNotContain(log.Events.Skip(failedAt + 1), e => e.Kind == "start");
        Assert.Equal(Enumerable.Range(0, failing).Concat(inFlight).Order(), log.Started.Order());
    }

    [Fact]
    public async Task Caller_cancellation_aborts_the_same_way()
    {
        var log = new EventLog();
        using var cts = new CancellationTokenSource();
        var transfers = Enumerable.Range(0, 6).Select(i => (Func<CancellationToken, Task>)(async ct =>
        {
            log.Start(i);
            try { await Task.Delay(Timeout.Infinite, ct); }
            finally { log.End(i); }
        })).ToList();

        var run = TransferWindow.RunAsync(transfers, 3, cts.Token);
        await log.WaitForStartsAsync(3, Bound);
        cts.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run.WaitAsync(Bound));
        Assert.Equal([0, 1, 2], log.Started.OrderBy(i => i));
        Assert.Equal([0, 1, 2], log.Ended.OrderBy(i => i));
    }

    [Fact]
    public async Task A_failure_that_is_itself_a_cancellation_is_still_the_first_error()
    {
        var timeout = new TaskCanceledException("HTTP request timed out");
        var transfers = new List<Func<CancellationToken, Task>>
        {
            _ => Task.FromException(timeout),
            ct => Task.Delay(Timeout.Infinite, ct),
        };
        var thrown = await Assert.ThrowsAsync<TaskCanceledException>(() => TransferWindow.RunAsync(transfers, 2).WaitAsync(Bound));
        Assert.Same(timeout, thrown);
    }

    [Fact]
    public async Task Random_completion_orders_keep_the_window_rule()
    {
        var random = new Random(12345);
        for (var run = 0; run < 200; run++)
        {
            var window = random.Next(1, 5);
            var count = random.Next(1, 12);
            var log = new EventLog();
            var delays = Enumerable.Range(0, count).Select(_ => random.Next(0, 4)).ToArray();
            var transfers = Enumerable.Range(0, count).Select(i => (Func<CancellationToken, Task>)(async _ =>
            {
                log.Start(i);
                for (var y = 0; y < delays[i]; y++) await Task.Yield();
                log.End(i);
            })).ToList();

            await TransferWindow.RunAsync(transfers, window).WaitAsync(Bound);

            Assert.Equal(count, log.Ended.Count);
            for (var i = window; i < count; i++)
                Assert.True(log.IndexOf("end", i - window) < log.IndexOf("start", i), log.ToString());
        }
    }

    /// <summary>An ordered, thread-safe record of transfer starts and ends.</summary>
    private sealed class EventLog
    {
        private readonly List<(string Kind, int Index)> _events = [];
        private readonly SemaphoreSlim _changed = new(0);
        private int _running;

        public int MaxConcurrency { get; private set; }

        public IReadOnlyList<(string Kind, int Index)> Events { get { lock (_events) return _events.ToList(); } }

        public List<int> Started => Events.Where(e => e.Kind == "start").Select(e => e.Index).ToList();

        public List<int> Ended => Events.Where(e => e.Kind == "end").Select(e => e.Index).ToList();

        public void Start(int i)
        {
            lock (_events)
            {
                _events.Add(("start", i));
                MaxConcurrency = Math.Max(MaxConcurrency, ++_running);
            }
            _changed.Release();
        }

        public void End(int i)
        {
            lock (_events) { _events.Add(("end", i)); _running--; }
            _changed.Release();
        }

        public int IndexOf(string kind, int i) { lock (_events) return _events.IndexOf((kind, i)); }

        public async Task<List<int>> WaitForStartsAsync(int count, TimeSpan bound)
        {
            var deadline = DateTime.UtcNow + bound;
            while (Started.Count < count)
            {
                var left = deadline - DateTime.UtcNow;
                if (left <= TimeSpan.Zero || !await _changed.WaitAsync(left)) throw new TimeoutException($"only {Started.Count} of {count} started: {this}");
            }
            return Started;
        }

        public async Task WaitForStartAsync(int i, TimeSpan bound)
        {
            var deadline = DateTime.UtcNow + bound;
            while (!Started.Contains(i))
            {
                var left = deadline - DateTime.UtcNow;
                if (left <= TimeSpan.Zero || !await _changed.WaitAsync(left)) throw new TimeoutException($"{i} did not start: {this}");
            }
        }

        public override string ToString() => string.Join(" ", Events.Select(e => $"{e.Kind}{e.Index}"));
    }
}
