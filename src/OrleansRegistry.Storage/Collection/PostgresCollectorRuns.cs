using Npgsql;
using NpgsqlTypes;
using static OrleansRegistry.Storage.SqlParameters;

namespace OrleansRegistry.Storage.Collection;

/// <summary><see cref="ICollectorRuns"/> on PostgreSQL: a session advisory lock and the <c>gc_runs</c> table.</summary>
public sealed class PostgresCollectorRuns(NpgsqlDataSource dataSource) : ICollectorRuns
{
    /// <summary>The collector's advisory lock key (sql/ scripts use 7428110531 for schema changes).</summary>
    public const long CollectorLockKey = 7428110532;

    public async Task<IAsyncDisposable?> TryLockCollectorAsync(CancellationToken ct = default)
    {
        // A session lock lives as long as its connection: this one is held for the whole run and used for nothing else.
        var connection = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        try
        {
            await using var cmd = new NpgsqlCommand("SELECT pg_try_advisory_lock(@key)", connection);
            cmd.Parameters.Add(new NpgsqlParameter<long>("key", CollectorLockKey));
            if ((bool)(await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false))!) return new CollectorLock(connection);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        await connection.DisposeAsync().ConfigureAwait(false);
        return null;
    }

    public async Task<DateTimeOffset?> LastRunFinishedAsync(CancellationToken ct = default)
    {
        await using var cmd = dataSource.CreateCommand("SELECT max(finished_at) FROM gc_runs WHERE NOT dry_run");
        return await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false) is DateTime finished
            ? new DateTimeOffset(finished, TimeSpan.Zero)
            : null;
    }

    public async Task RecordRunAsync(DateTimeOffset startedAt, bool dryRun, string silo, string reportJson, CancellationToken ct = default)
    {
        await using var cmd = dataSource.CreateCommand("""
            INSERT INTO gc_runs (started_at, dry_run, silo, report) VALUES (@started_at, @dry_run, @silo, @report)
            """);
        cmd.Parameters.Add(Timestamp("started_at", startedAt));
        cmd.Parameters.Add(new NpgsqlParameter<bool>("dry_run", dryRun));
        cmd.Parameters.Add(Text("silo", silo));
        cmd.Parameters.Add(new NpgsqlParameter<string>("report", NpgsqlDbType.Jsonb) { TypedValue = reportJson });
        await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    /// <summary>The advisory lock's connection: unlocking and closing it ends the lock.</summary>
    private sealed class CollectorLock(NpgsqlConnection connection) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            try
            {
                await using var cmd = new NpgsqlCommand("SELECT pg_advisory_unlock(@key)", connection);
                cmd.Parameters.Add(new NpgsqlParameter<long>("key", CollectorLockKey));
                await cmd.ExecuteNonQueryAsync().ConfigureAwait(false);
            }
            catch (NpgsqlException)
            {
                // The connection is broken: the server ended the session, and the lock with it.
            }
            finally
            {
                // Returned to the pool it is reset (DISCARD ALL), which releases any session lock left.
                await connection.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}
