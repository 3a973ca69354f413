using System.Data;
using Npgsql;
using OrleansRegistry.TestSupport;

namespace OrleansRegistry.Storage.Tests.Index;

/// <summary>
/// Runs the stored queries of sql/0*-orleans-*.sql the way the Orleans 10.4.2 ADO.NET providers do (query text
/// from OrleansQuery, parameters by name and CLR type), so a broken function or parameter name fails here
/// instead of at silo start-up.
/// </summary>
public sealed class OrleansStoredQueriesTests(PostgresDatabaseFixture db) : IClassFixture<PostgresDatabaseFixture>
{
    [Fact]
    public async Task Membership_queries_version_the_table_and_clean_up_a_dead_silo()
    {
        var deployment = $"d{Guid.NewGuid():N}";
        var start = new DateTime(2026, 1, 1, 10, 0, 0, 123, DateTimeKind.Utc);

        Assert.Equal(1, await ScalarAsync("InsertMembershipVersionKey", ("DeploymentId", deployment)));
        Assert.Equal(0, await ScalarAsync("InsertMembershipVersionKey", ("DeploymentId", deployment)));

        (string, object?)[] silo =
        [
            ("DeploymentId", deployment), ("Address", "10.0.0.1"), ("Port", 11111), ("Generation", 7),
            ("SiloName", "silo-1"), ("HostName", "host-1"), ("Status", 3), ("ProxyPort", 30000),
            ("StartTime", start), ("IAmAliveTime", start),
        ];
        Assert.Equal(1, await ScalarAsync("InsertMembershipKey", [.. silo, ("Version", 0)]));
        // A stale etag loses and leaves the table version alone.
        Assert.Equal(0, await ScalarAsync("InsertMembershipKey", [.. silo, ("Generation", 8), ("Version", 0)]));
        Assert.Equal(1, await TableVersionAsync(deployment));

        Assert.Equal(1, await ScalarAsync("UpdateMembershipKey",
            ("DeploymentId", deployment), ("Address", "10.0.0.1"), ("Port", 11111), ("Generation", 7), ("Status", 6),
            ("SuspectTimes", null), ("IAmAliveTime", start.AddMinutes(5)), ("Version", 1)));
        Assert.Equal(2, await TableVersionAsync(deployment));

        // Heartbeats never move IAmAliveTime backwards.
        await ScalarAsync("UpdateIAmAlivetimeKey",
            ("DeploymentId", deployment), ("Address", "10.0.0.1"), ("Port", 11111), ("Generation", 7), ("IAmAliveTime", start));
        var (startTime, aliveTime) = await ReadSiloTimesAsync(deployment);
        Assert.Equal(start.AddMinutes(5), aliveTime);

        // The optional single-row cleanup, with the parameter types the 10.4.2 provider uses (DbType.DateTime).
        await using var cleanup = await CommandAsync("CleanupDefunctSiloEntryKey",
            ("DeploymentId", deployment), ("Address", "10.0.0.1"), ("Port", 11111), ("Generation", 7), ("SuspectTimes", null));
        cleanup.Parameters.Add(new NpgsqlParameter("StartTime", DbType.DateTime) { Value = startTime });
        cleanup.Parameters.Add(new NpgsqlParameter("IAmAliveTime", DbType.DateTime) { Value = aliveTime });
        Assert.Equal(1, await cleanup.ExecuteNonQueryAsync());
        Assert.Equal(0, await CountAsync("SELECT count(*) FROM orleansmembershiptable WHERE deploymentid = @d", deployment));
    }

    [Fact]
    public async Task Storage_queries_write_with_optimistic_versions_and_read_back()
    {
        (string, object?)[] grain =
        [
            ("GrainIdHash", 42), ("GrainIdN0", 1L), ("GrainIdN1", 2L), ("GrainTypeHash", 7),
            ("GrainTypeString", "registry.repository"), ("GrainIdExtensionString", Guid.NewGuid().ToString("N")),
            ("ServiceId", "svc"),
        ];

        Assert.Equal(1, await ScalarAsync("WriteToStorageKey", [.. grain, ("GrainStateVersion", null), ("PayloadBinary", new byte[] { 1 })]));
        Assert.Equal(2, await ScalarAsync("WriteToStorageKey", [.. grain, ("GrainStateVersion", 1), ("PayloadBinary", new byte[] { 1, 2 })]));
        // A writer holding version 1 lost the race: the version comes back unchanged.
        Assert.Equal(1, await ScalarAsync("WriteToStorageKey", [.. grain, ("GrainStateVersion", 1), ("PayloadBinary", new byte[] { 9 })]));

        await using var read = await CommandAsync("ReadFromStorageKey", grain);
        await using var reader = await read.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal(new byte[] { 1, 2 }, (byte[])reader["payloadbinary"]);
        Assert.Equal(2, reader.GetInt32(reader.GetOrdinal("version")));
    }

    [Fact]
    public async Task Reminder_queries_upsert_versions_and_delete_by_version()
    {
        var serviceId = $"s{Guid.NewGuid():N}";
        (string, object?)[] reminder =
        [
            ("ServiceId", serviceId), ("GrainId", "upload/123"), ("ReminderName", "expire"),
            ("StartTime", new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc)), ("Period", 60_000), ("GrainHash", 17),
        ];

        Assert.Equal(0, await ScalarAsync("UpsertReminderRowKey", reminder));
        Assert.Equal(1, await ScalarAsync("UpsertReminderRowKey", reminder));
        Assert.Equal(1, await CountAsync("SELECT count(*) FROM orleansreminderstable WHERE serviceid = @d", serviceId));

        (string, object?)[] key = [("ServiceId", serviceId), ("GrainId", "upload/123"), ("ReminderName", "expire")];
        Assert.Equal(0, await ScalarAsync("DeleteReminderRowKey", [.. key, ("Version", 0)]));
        Assert.Equal(1, await ScalarAsync("DeleteReminderRowKey", [.. key, ("Version", 1)]));
        Assert.Equal(0, await CountAsync("SELECT count(*) FROM orleansreminderstable WHERE serviceid = @d", serviceId));
    }

    private async Task<NpgsqlCommand> CommandAsync(string queryKey, params (string Name, object? Value)[] parameters)
    {
        await using var lookup = db.DataSource.CreateCommand("SELECT querytext FROM orleansquery WHERE querykey = @key");
        lookup.Parameters.AddWithValue("key", queryKey);
        var text = (string?)await lookup.ExecuteScalarAsync() ?? throw new InvalidOperationException($"{queryKey} missing");

        var cmd = db.DataSource.CreateCommand(text);
        // Later duplicates win, as when a test overrides one value of a shared parameter set.
        foreach (var (name, value) in parameters.GroupBy(p => p.Name).Select(g => g.Last()))
        {
            cmd.Parameters.Add(new NpgsqlParameter(name, value ?? DBNull.Value));
        }

        return cmd;
    }

    private async Task<int> ScalarAsync(string queryKey, params (string Name, object? Value)[] parameters)
    {
        await using var cmd = await CommandAsync(queryKey, parameters);
        var result = await cmd.ExecuteScalarAsync();
        return result is null or DBNull ? 0 : Convert.ToInt32(result);
    }

    private async Task<int> TableVersionAsync(string deployment) =>
        await CountAsync("SELECT version FROM orleansmembershipversiontable WHERE deploymentid = @d", deployment);

    private async Task<(DateTime Start, DateTime Alive)> ReadSiloTimesAsync(string deployment)
    {
        await using var cmd = await CommandAsync("MembershipReadAllKey", ("DeploymentId", deployment));
        await using var reader = await cmd.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        return (reader.GetDateTime(reader.GetOrdinal("starttime")), reader.GetDateTime(reader.GetOrdinal("iamalivetime")));
    }

    private async Task<int> CountAsync(string sql, string key)
    {
        await using var cmd = db.DataSource.CreateCommand(sql);
        cmd.Parameters.AddWithValue("d", key);
        return Convert.ToInt32(await cmd.ExecuteScalarAsync());
    }
}
