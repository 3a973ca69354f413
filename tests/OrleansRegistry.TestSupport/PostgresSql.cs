using Npgsql;

namespace OrleansRegistry.TestSupport;

/// <summary>One-off SQL a test runs on the registry's database to arrange or check what the API cannot show.</summary>
public static class PostgresSql
{
    public static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, connection);
        await cmd.ExecuteNonQueryAsync();
    }

    public static async Task<T> ScalarAsync<T>(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, connection);
        return (T)(await cmd.ExecuteScalarAsync())!;
    }

    /// <summary>The `manifest_references` rows of one manifest as (kind, digest, size), in order.</summary>
    public static async Task<List<(string Kind, string Digest, long Size)>> ManifestReferencesAsync(string connectionString,
        string repository, string manifest)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand(
            "SELECT kind, digest, size FROM manifest_references WHERE repository = $1 AND manifest = $2", connection);
        cmd.Parameters.Add(new NpgsqlParameter { Value = repository });
        cmd.Parameters.Add(new NpgsqlParameter { Value = manifest });
        var rows = new List<(string, string, long)>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync()) rows.Add((reader.GetString(0), reader.GetString(1), reader.GetInt64(2)));
        return rows.Order().ToList();
    }

    /// <summary>One statement with named parameters (<c>@name</c>); the first column of its first row, or null.</summary>
    public static async Task<object?> ValueAsync(string connectionString, string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters) cmd.Parameters.AddWithValue(name, value);
        return await cmd.ExecuteScalarAsync();
    }

    /// <summary>A timestamptz the statement selects (as <see cref="ValueAsync"/>), or null for no row or NULL.</summary>
    public static async Task<DateTimeOffset?> InstantAsync(string connectionString, string sql, params (string Name, object Value)[] parameters) =>
        await ValueAsync(connectionString, sql, parameters) is DateTime time ? new DateTimeOffset(DateTime.SpecifyKind(time, DateTimeKind.Utc)) : null;
}
