using Npgsql;
using static OrleansRegistry.Storage.SqlParameters;

namespace OrleansRegistry.Storage.Index;

/// <summary>One-off index upgrades: their completion marks (storage_migrations, a name kept for the databases that hold it) and what is left in Orleans grain state.</summary>
public sealed partial class PostgresRegistryIndex
{
    public async Task<bool> IsIndexUpgradeCompleteAsync(string name, CancellationToken ct = default)
    {
        await using var cmd = _dataSource.CreateCommand("SELECT EXISTS (SELECT 1 FROM storage_migrations WHERE name = @name)");
        cmd.Parameters.Add(Text("name", name));
        return (bool)(await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
    }

    public async Task CompleteIndexUpgradeAsync(string name, CancellationToken ct = default)
    {
        await using var cmd = _dataSource.CreateCommand(
            "INSERT INTO storage_migrations (name) VALUES (@name) ON CONFLICT (name) DO NOTHING");
        cmd.Parameters.Add(Text("name", name));
        await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<string>> ListGrainStateKeysAsync(string serviceId, string stateName, string? after, int limit,
        CancellationToken ct = default)
    {
        if (CheckLimit(limit) == 0)
        {
            return [];
        }

        // The ADO.NET provider files a string-keyed grain's state under its state name (graintypestring) with the key in
        // grainidextensionstring; a cleared state keeps its row with a NULL payload (sql/01-orleans-persistence.sql).
        // A sequential scan, run only while an upgrade is incomplete.
        await using var cmd = _dataSource.CreateCommand("""
            SELECT grainidextensionstring COLLATE "C" AS k FROM OrleansStorage
            WHERE serviceid = @service_id AND graintypestring = @state_name AND payloadbinary IS NOT NULL
              AND grainidextensionstring IS NOT NULL
              AND (@after::text IS NULL OR grainidextensionstring COLLATE "C" > @after)
            ORDER BY k
            LIMIT @limit
            """);
        cmd.Parameters.Add(Text("service_id", serviceId));
        cmd.Parameters.Add(Text("state_name", stateName));
        cmd.Parameters.Add(NullableText("after", after));
        cmd.Parameters.Add(new NpgsqlParameter<int>("limit", limit));
        return await ReadStringsAsync(cmd, ct).ConfigureAwait(false);
    }
}
