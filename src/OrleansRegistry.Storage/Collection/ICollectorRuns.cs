namespace OrleansRegistry.Storage.Collection;

/// <summary>
/// Who collects and when it last did: the cluster-wide collector lock and the run log (<c>gc_runs</c> of
/// sql/11-storage-lifecycle.sql).
/// </summary>
public interface ICollectorRuns
{
    /// <summary>
    /// The cluster-wide collector lock (a PostgreSQL session advisory lock on a connection of its own), or null when
    /// another collector holds it. Disposing releases it; a silo that dies releases it with its connection.
    /// </summary>
    Task<IAsyncDisposable?> TryLockCollectorAsync(CancellationToken ct = default);

    /// <summary>When the last real (not dry) run finished, whichever silo ran it; null when none has.</summary>
    Task<DateTimeOffset?> LastRunFinishedAsync(CancellationToken ct = default);

    /// <summary>Records a finished run and its report (JSON).</summary>
    Task RecordRunAsync(DateTimeOffset startedAt, bool dryRun, string silo, string reportJson, CancellationToken ct = default);
}
