using Npgsql;

namespace OrleansRegistry.TestSupport;

/// <summary>
/// Makes a lock race deterministic: waits until some session of the database is blocked on a lock (pg_stat_activity),
/// so a test knows the racing statement has reached the lock another transaction holds before it lets that go.
/// </summary>
public static class PostgresLockWaits
{
    private static readonly TimeSpan DefaultLimit = TimeSpan.FromSeconds(30);

    public static async Task WaitUntilBlockedAsync(NpgsqlDataSource dataSource, int sessions = 1, TimeSpan? limit = null)
    {
        await using var cmd = dataSource.CreateCommand(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'");
        await Eventually.TrueAsync(async () => (long)(await cmd.ExecuteScalarAsync())! >= sessions, limit ?? DefaultLimit,
            $"{sessions} session(s) blocked on a lock");
    }

    /// <summary>
    /// The process id of a session of the database blocked on a lock in a statement that names <paramref name="table"/>
    /// (asked on a connection of its own each time: inside a transaction pg_stat_activity is one frozen snapshot). On
    /// timeout the message lists the database's sessions.
    /// </summary>
    public static async Task<int> BlockedSessionAsync(string connectionString, string table, TimeSpan? limit = null)
    {
        int? pid = null;
        try
        {
            await Eventually.TrueAsync(async () => (pid = await PostgresSql.ValueAsync(connectionString, """
                SELECT pid FROM pg_stat_activity
                WHERE datname = current_database() AND pid <> pg_backend_pid() AND wait_event_type = 'Lock'
                  AND query ILIKE '%' || @table || '%'
                LIMIT 1
                """, ("table", table)) as int?) is not null, limit ?? DefaultLimit, $"a statement blocked on {table}");
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message}; the database's sessions:\n{string.Join('\n', await ActivityAsync(connectionString))}");
        }
        return pid!.Value;
    }

    private static async Task<List<string>> ActivityAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT pid, state, wait_event_type, wait_event, left(query, 120) FROM pg_stat_activity WHERE datname = current_database()", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var activity = new List<string>();
        while (await reader.ReadAsync()) activity.Add($"{reader[0]} {reader[1]} {reader[2]} {reader[3]}: {reader[4]}");
        return activity;
    }
}
