using Npgsql;
using OrleansRegistry.Core;
using static OrleansRegistry.Storage.SqlParameters;

namespace OrleansRegistry.Storage.Collection;

/// <summary><see cref="IStorageUsage"/> on PostgreSQL.</summary>
public sealed class PostgresStorageUsage(NpgsqlDataSource dataSource) : IStorageUsage
{
    public async Task<IReadOnlyList<RepositoryUsage>> ListUsageAsync(string? last, int limit, CancellationToken ct = default)
    {
        // Keyset over repositories; per repository the distinct blobs its manifests reference, sized from `blobs`.
        await using var cmd = dataSource.CreateCommand($"""
            SELECT r.name, COALESCE(u.bytes, 0), COALESCE(u.blobs, 0),
                   (SELECT count(*) FROM manifests m WHERE m.repository = r.name)
            FROM repositories r
            LEFT JOIN LATERAL (
                SELECT sum(b.size) AS bytes, count(*) AS blobs FROM blobs b
                WHERE b.digest IN (SELECT mr.digest FROM manifest_references mr
                                   WHERE mr.repository = r.name AND mr.kind = 'blob')
            ) u ON true
            {(last is null ? "" : "WHERE r.name > @last")}
            ORDER BY r.name
            LIMIT @limit
            """);
        if (last is not null) cmd.Parameters.Add(Text("last", last));
        cmd.Parameters.Add(new NpgsqlParameter<int>("limit", limit));
        return await ReadUsageAsync(cmd, ct).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<RepositoryUsage>> LargestRepositoriesAsync(int limit, CancellationToken ct = default)
    {
        await using var cmd = dataSource.CreateCommand("""
            SELECT u.repository, u.bytes, u.blobs, (SELECT count(*) FROM manifests m WHERE m.repository = u.repository)
            FROM (
                SELECT d.repository, sum(b.size) AS bytes, count(*) AS blobs
                FROM (SELECT DISTINCT repository, digest FROM manifest_references WHERE kind = 'blob') d
                JOIN blobs b ON b.digest = d.digest
                GROUP BY d.repository
                ORDER BY bytes DESC, d.repository
                LIMIT @limit
            ) u
            ORDER BY u.bytes DESC, u.repository
            """);
        cmd.Parameters.Add(new NpgsqlParameter<int>("limit", limit));
        return await ReadUsageAsync(cmd, ct).ConfigureAwait(false);
    }

    public async Task<long> StoredBytesAsync(CancellationToken ct = default)
    {
        await using var cmd = dataSource.CreateCommand("SELECT COALESCE(sum(size), 0)::bigint FROM blobs");
        return (long)(await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
    }

    private static async Task<IReadOnlyList<RepositoryUsage>> ReadUsageAsync(NpgsqlCommand cmd, CancellationToken ct)
    {
        var usage = new List<RepositoryUsage>();
        await using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
            usage.Add(new RepositoryUsage(RepositoryName.Parse(reader.GetString(0)), Convert.ToInt64(reader.GetValue(1)), reader.GetInt64(2), reader.GetInt64(3)));
        return usage;
    }
}
