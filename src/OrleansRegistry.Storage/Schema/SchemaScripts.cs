using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace OrleansRegistry.Storage.Schema;

/// <summary>
/// The registry's schema, sql/*.sql: applied in ordinal file-name order, each file as one command (each is idempotent
/// and one transaction under an advisory lock), then each file's name and SHA-256 recorded in <c>schema_scripts</c>
/// (sql/20-schema-scripts.sql). The server's <c>migrate</c> applies them this way, and so do the test fixtures.
/// </summary>
public static class SchemaScripts
{
    /// <summary>The *.sql files of <paramref name="directory"/> in the order they are applied; none when it is absent.</summary>
    public static IReadOnlyList<string> In(string directory) =>
        Directory.Exists(directory)
            ? Directory.GetFiles(directory, "*.sql").Order(StringComparer.Ordinal).ToArray()
            : [];

    /// <summary>
    /// Applies <paramref name="scripts"/> in the order given on <paramref name="connection"/>, then records them; reports
    /// each applied file and how long it took to <paramref name="applied"/>. Throws <see cref="InvalidOperationException"/>
    /// naming the file that failed, with PostgreSQL's error inside.
    /// </summary>
    public static async Task ApplyAsync(NpgsqlConnection connection, IReadOnlyList<string> scripts,
        Action<string, TimeSpan>? applied = null, CancellationToken ct = default)
    {
        var recorded = new List<(string Name, string Sha256)>();
        foreach (var script in scripts)
        {
            var name = Path.GetFileName(script);
            var text = await File.ReadAllBytesAsync(script, ct);
            var stopwatch = Stopwatch.StartNew();
            try
            {
                await using var apply = new NpgsqlCommand(Encoding.UTF8.GetString(text), connection);
                await apply.ExecuteNonQueryAsync(ct);
            }
            catch (NpgsqlException e)
            {
                throw new InvalidOperationException($"{name} failed: {Describe(e)}", e);
            }
            recorded.Add((name, Sha256(text)));
            applied?.Invoke(name, stopwatch.Elapsed);
        }

        // Recorded only once every file is applied: a waiting silo then knows the whole set is in place.
        try
        {
            await using var batch = new NpgsqlBatch(connection);
            foreach (var (name, sha256) in recorded)
            {
                var record = new NpgsqlBatchCommand(
                    "INSERT INTO schema_scripts (file_name, sha256) VALUES ($1, $2) ON CONFLICT DO NOTHING");
                record.Parameters.Add(new NpgsqlParameter { Value = name });
                record.Parameters.Add(new NpgsqlParameter { Value = sha256 });
                batch.BatchCommands.Add(record);
            }
            await batch.ExecuteNonQueryAsync(ct);
        }
        catch (NpgsqlException e)
        {
            throw new InvalidOperationException($"recording the applied scripts failed: {Describe(e)}", e);
        }
    }

    /// <summary>The SHA-256 a file is recorded with: lower-case hex of its bytes.</summary>
    public static string Sha256(byte[] content) => Convert.ToHexStringLower(SHA256.HashData(content));

    private static string Describe(NpgsqlException e) => (e as PostgresException)?.MessageText ?? e.Message;
}
