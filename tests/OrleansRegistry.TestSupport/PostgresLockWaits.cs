using Npgsql;

namespace OrleansRegistry.TestSupport;

/// <summary>
/// Makes a lock race deterministic: waits until some session of the database is blocked on a lock (pg_stat_activity),
/// so a test knows the racing statement has reached the lock another transaction holds before it lets that go.
/// </summary>
public static class PostgresLockWaits
{
    public static async Task WaitUntilBlockedAsync(NpgsqlDataSource dataSource, int sessions = 1, TimeSpan? limit = null)
    {
        var deadline = DateTime.UtcNow + (limit ?? TimeSpan.FromSeconds(30));
        await using var cmd = dataSource.CreateCommand(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'");
        while ((long)(await cmd.ExecuteScalarAsync())! < sessions)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"no {sessions} session(s) blocked on a lock within the limit");
            await Task.Delay(20);
        }
    }
}
