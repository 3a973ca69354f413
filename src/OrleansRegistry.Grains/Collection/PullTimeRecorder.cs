using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansRegistry.Core;
using OrleansRegistry.Storage.Collection;

namespace OrleansRegistry.Grains.Collection;

/// <summary>
/// The silo's pull times, gathered in memory and written as one batch (<see cref="IPullTimes"/>) every
/// <see cref="RetentionOptions.PullTimeFlushInterval"/>, early when <see cref="FlushAtPending"/> keys are waiting, and
/// when the silo stops: never a database write per pull. Recording touches only a dictionary (the latest time per key),
/// so a pull never waits for the database. A failed flush keeps what it could not write for the next one; a silo that
/// dies loses at most one interval of pulls. Memory is bounded: beyond <see cref="MaxPending"/> keys (the database
/// unreachable for long) pulls of new keys are not recorded until a flush succeeds.
/// </summary>
public sealed class PullTimeRecorder(
    IPullTimes pullTimes,
    IOptions<RetentionOptions> options,
    TimeProvider clock,
    ILogger<PullTimeRecorder> logger) : BackgroundService
{
    /// <summary>Keys waiting when a flush starts before its interval is up.</summary>
    public const int FlushAtPending = 10_000;

    /// <summary>Keys held at most; pulls of other keys beyond it are not recorded.</summary>
    public const int MaxPending = 100_000;

    /// <summary>
    /// A key's time is moved only when it is older than this: retention counts in days, and a manifest pulled thousands of
    /// times a second then costs a dictionary read per pull, not a write.
    /// </summary>
    private static readonly TimeSpan Resolution = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<(RepositoryName Repository, Digest Digest), DateTimeOffset> _manifests = new();
    private readonly ConcurrentDictionary<Digest, DateTimeOffset> _blobs = new();
    private readonly SemaphoreSlim _flushEarly = new(0, 1);
    private readonly SemaphoreSlim _flushing = new(1, 1);
    private int _pending;
    private long _unrecorded;

    /// <summary>A manifest was served (GET or HEAD, by tag or digest: <paramref name="digest"/> is the one served).</summary>
    public void RecordManifestPull(RepositoryName repository, Digest digest) => Record(_manifests, (repository, digest));

    /// <summary>A blob's bytes were served (GET), from whichever repository: <c>blobs</c> holds each blob once.</summary>
    public void RecordBlobPull(Digest digest) => Record(_blobs, digest);

    /// <summary>
    /// Writes what is waiting in one batch; true when written (or nothing waited). A failure keeps every entry for the
    /// next flush and logs one warning.
    /// </summary>
    public async Task<bool> FlushAsync(CancellationToken ct)
    {
        await _flushing.WaitAsync(ct);
        try
        {
            var manifests = _manifests.ToArray();
            var blobs = _blobs.ToArray();
            if (manifests.Length == 0 && blobs.Length == 0) return true;
            try
            {
                await pullTimes.RecordAsync(
                    manifests.Select(m => new ManifestPull(m.Key.Repository, m.Key.Digest, m.Value)).ToList(),
                    blobs.Select(b => new BlobPull(b.Key, b.Value)).ToList(), ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return false;
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "Writing {Count} pull times failed; they are kept for the next flush",
                    manifests.Length + blobs.Length);
                return false;
            }

            // Only the entries written: a pull since the snapshot changed its entry's time, which stays for the next flush.
            foreach (var written in manifests) _manifests.TryRemove(written);
            foreach (var written in blobs) _blobs.TryRemove(written);
            Volatile.Write(ref _pending, _manifests.Count + _blobs.Count);
            if (Interlocked.Exchange(ref _unrecorded, 0) is > 0 and var unrecorded)
                logger.LogWarning("{Count} pulls were not recorded: {Max} pull times were waiting for the database", unrecorded, MaxPending);
            return true;
        }
        finally
        {
            _flushing.Release();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.PullTimeFlushInterval;
        try
        {
            while (true)
            {
                await _flushEarly.WaitAsync(interval, stoppingToken);
                // After a failure, a whole interval before the next try, however many keys are waiting.
                if (!await FlushAsync(stoppingToken)) await Task.Delay(interval, clock, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        // The pulls since the last flush; the endpoints have stopped serving by now (the web server stops first).
        await FlushAsync(cancellationToken);
    }

    private void Record<TKey>(ConcurrentDictionary<TKey, DateTimeOffset> pending, TKey key) where TKey : notnull
    {
        var now = clock.GetUtcNow();
        if (pending.TryGetValue(key, out var seen))
        {
            // Losing a race here loses nothing: the other pull's time is as recent.
            if (now - seen >= Resolution) pending.TryUpdate(key, now, seen);
            return;
        }
        if (Volatile.Read(ref _pending) >= MaxPending)
        {
            Interlocked.Increment(ref _unrecorded);
            return;
        }
        if (pending.TryAdd(key, now) && Interlocked.Increment(ref _pending) >= FlushAtPending && _flushEarly.CurrentCount == 0)
        {
            try { _flushEarly.Release(); }
            catch (SemaphoreFullException) { } // another pull woke it first
        }
    }

    public override void Dispose()
    {
        base.Dispose();
        _flushEarly.Dispose();
        _flushing.Dispose();
    }
}
