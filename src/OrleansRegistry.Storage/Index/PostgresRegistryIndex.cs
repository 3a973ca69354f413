using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using OrleansRegistry.Core;
using static OrleansRegistry.Storage.SqlParameters;

namespace OrleansRegistry.Storage.Index;

/// <summary>
/// <see cref="IRegistryIndex"/> over the tables of sql/10-registry.sql and sql/11-storage-lifecycle.sql. Every call
/// is one parameterised statement (one round trip), except the manifest writes and the blob commit, which are one
/// transaction each (PostgresRegistryIndex.Manifests.cs, PostgresRegistryIndex.Blobs.cs); lists use keyset pagination
/// on COLLATE "C" keys, so a page costs the same whatever the table size and comes in byte order.
/// </summary>
public sealed partial class PostgresRegistryIndex : IRegistryIndex
{
    private readonly NpgsqlDataSource _dataSource;

    public PostgresRegistryIndex(NpgsqlDataSource dataSource)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        _dataSource = dataSource;
    }

    public async Task EnsureRepositoryAsync(RepositoryName repository, CancellationToken ct = default)
    {
        await using var cmd = _dataSource.CreateCommand(
            "INSERT INTO repositories (name) VALUES (@repository) ON CONFLICT (name) DO NOTHING");
        cmd.Parameters.Add(Text("repository", repository));
        await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    public async Task<bool> RepositoryExistsAsync(RepositoryName repository, CancellationToken ct = default)
    {
        await using var cmd = _dataSource.CreateCommand(
            "SELECT EXISTS (SELECT 1 FROM repositories WHERE name = @repository)");
        cmd.Parameters.Add(Text("repository", repository));
        return (bool)(await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
    }

    public async Task<IReadOnlyList<RepositoryName>> ListRepositoriesAsync(string? last, int limit, CancellationToken ct = default)
    {
        if (CheckLimit(limit) == 0)
        {
            return [];
        }

        // Two texts rather than "@last IS NULL OR ...": a prepared (generic) plan of the latter may not use
        // the primary key, and each page must stay an index range scan.
        await using var cmd = _dataSource.CreateCommand(last is null
            ? "SELECT name FROM repositories ORDER BY name LIMIT @limit"
            : "SELECT name FROM repositories WHERE name > @last ORDER BY name LIMIT @limit");
        if (last is not null)
        {
            cmd.Parameters.Add(Text("last", last));
        }

        cmd.Parameters.Add(new NpgsqlParameter<int>("limit", limit));
        return await ReadAllAsync(cmd, static name => RepositoryName.Parse(name), ct).ConfigureAwait(false);
    }

    public async Task<Digest?> GetTagAsync(RepositoryName repository, Tag tag, CancellationToken ct = default)
    {
        await using var cmd = _dataSource.CreateCommand(
            "SELECT digest FROM tags WHERE repository = @repository AND tag = @tag");
        cmd.Parameters.Add(Text("repository", repository));
        cmd.Parameters.Add(Text("tag", tag));
        return await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false) is string digest ? Digest.Parse(digest) : null;
    }

    public async Task PutTagAsync(RepositoryName repository, Tag tag, Digest digest, CancellationToken ct = default)
    {
        await using var cmd = _dataSource.CreateCommand();
        PutTagCommand(cmd, repository, tag, digest);
        await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    private static void PutTagCommand(NpgsqlCommand cmd, RepositoryName repository, Tag tag, Digest digest)
    {
        // A tagged repository exists: record it in the same statement so the catalog can never miss it.
        // Re-putting the same digest writes nothing (no dead tuple, updated_at keeps the real move time).
        cmd.CommandText = """
            WITH repository AS (
                INSERT INTO repositories (name) VALUES (@repository) ON CONFLICT (name) DO NOTHING
            )
            INSERT INTO tags (repository, tag, digest) VALUES (@repository, @tag, @digest)
            ON CONFLICT (repository, tag) DO UPDATE
                SET digest = EXCLUDED.digest, updated_at = now()
                WHERE tags.digest <> EXCLUDED.digest
            """;
        cmd.Parameters.Add(Text("repository", repository));
        cmd.Parameters.Add(Text("tag", tag));
        cmd.Parameters.Add(Text("digest", digest));
    }

    public async Task<bool> DeleteTagAsync(RepositoryName repository, Tag tag, CancellationToken ct = default)
    {
        await using var cmd = _dataSource.CreateCommand(
            "DELETE FROM tags WHERE repository = @repository AND tag = @tag");
        cmd.Parameters.Add(Text("repository", repository));
        cmd.Parameters.Add(Text("tag", tag));
        return await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false) > 0;
    }

    // Deleting a manifest removes the tags that point to it (in its transaction: PostgresRegistryIndex.Manifests.cs).
    private const string DeleteTagsPointingToSql = """
        WITH deleted AS (
            DELETE FROM tags WHERE repository = @repository AND digest = @digest RETURNING tag
        )
        SELECT tag FROM deleted ORDER BY tag
        """;

    public async Task<IReadOnlyList<Tag>> ListTagsAsync(RepositoryName repository, string? last, int limit, CancellationToken ct = default)
    {
        if (CheckLimit(limit) == 0)
        {
            return [];
        }

        // Two texts for the same reason as in ListRepositoriesAsync: a range scan of the primary key.
        await using var cmd = _dataSource.CreateCommand(last is null
            ? "SELECT tag FROM tags WHERE repository = @repository ORDER BY tag LIMIT @limit"
            : "SELECT tag FROM tags WHERE repository = @repository AND tag > @last ORDER BY tag LIMIT @limit");
        cmd.Parameters.Add(Text("repository", repository));
        if (last is not null)
        {
            cmd.Parameters.Add(Text("last", last));
        }

        cmd.Parameters.Add(new NpgsqlParameter<int>("limit", limit));
        return await ReadAllAsync(cmd, static tag => Tag.Parse(tag), ct).ConfigureAwait(false);
    }

    public async Task<long?> GetBlobLinkAsync(RepositoryName repository, Digest digest, CancellationToken ct = default)
    {
        await using var cmd = _dataSource.CreateCommand(
            "SELECT size FROM blob_links WHERE repository = @repository AND digest = @digest");
        cmd.Parameters.Add(Text("repository", repository));
        cmd.Parameters.Add(Text("digest", digest));
        return (long?)await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false);
    }

    public async Task<bool> UnlinkBlobAsync(RepositoryName repository, Digest digest, CancellationToken ct = default)
    {
        await using var cmd = _dataSource.CreateCommand(
            "DELETE FROM blob_links WHERE repository = @repository AND digest = @digest");
        cmd.Parameters.Add(Text("repository", repository));
        cmd.Parameters.Add(Text("digest", digest));
        return await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false) > 0;
    }

    public async Task AddReferrerAsync(RepositoryName repository, Digest subject, ReferrerRecord referrer, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(referrer);
        await using var cmd = _dataSource.CreateCommand();
        AddReferrerCommand(cmd, repository, subject, referrer);
        await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    private static void AddReferrerCommand(NpgsqlCommand cmd, RepositoryName repository, Digest subject, ReferrerRecord referrer)
    {
        cmd.CommandText = """
            INSERT INTO referrers (repository, subject, digest, media_type, size, artifact_type, annotations)
            VALUES (@repository, @subject, @digest, @media_type, @size, @artifact_type, @annotations)
            ON CONFLICT (repository, subject, digest) DO UPDATE
                SET media_type = EXCLUDED.media_type,
                    size = EXCLUDED.size,
                    artifact_type = EXCLUDED.artifact_type,
                    annotations = EXCLUDED.annotations
            """;
        cmd.Parameters.Add(Text("repository", repository));
        cmd.Parameters.Add(Text("subject", subject));
        cmd.Parameters.Add(Text("digest", referrer.Digest));
        cmd.Parameters.Add(Text("media_type", referrer.MediaType));
        cmd.Parameters.Add(new NpgsqlParameter<long>("size", referrer.Size));
        cmd.Parameters.Add(NullableText("artifact_type", referrer.ArtifactType));
        cmd.Parameters.Add(new NpgsqlParameter("annotations", NpgsqlDbType.Jsonb)
        {
            Value = referrer.Annotations is null
                ? DBNull.Value
                : JsonSerializer.Serialize(referrer.Annotations),
        });
    }

    public async Task RemoveReferrerAsync(RepositoryName repository, Digest referrerDigest, CancellationToken ct = default)
    {
        await using var cmd = _dataSource.CreateCommand(
            "DELETE FROM referrers WHERE repository = @repository AND digest = @digest");
        cmd.Parameters.Add(Text("repository", repository));
        cmd.Parameters.Add(Text("digest", referrerDigest));
        await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<ReferrerRecord>> ListReferrersAsync(
        RepositoryName repository, Digest subject, string? artifactType, CancellationToken ct = default)
    {
        await using var cmd = _dataSource.CreateCommand("""
            SELECT digest, media_type, size, artifact_type, annotations::text
            FROM referrers
            WHERE repository = @repository AND subject = @subject
              AND (@artifact_type::text IS NULL OR artifact_type = @artifact_type)
            ORDER BY digest
            """);
        cmd.Parameters.Add(Text("repository", repository));
        cmd.Parameters.Add(Text("subject", subject));
        cmd.Parameters.Add(NullableText("artifact_type", artifactType));

        var result = new List<ReferrerRecord>();
        await using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            result.Add(new ReferrerRecord(
                Digest.Parse(reader.GetString(0)),
                reader.GetString(1),
                reader.GetInt64(2),
                reader.IsDBNull(3) ? null : reader.GetString(3),
                reader.IsDBNull(4) ? null : JsonSerializer.Deserialize<Dictionary<string, string>>(reader.GetString(4))));
        }

        return result;
    }

    public async Task AddUploadAsync(string uploadId, RepositoryName repository, DateTimeOffset startedAt, CancellationToken ct = default)
    {
        await using var cmd = _dataSource.CreateCommand("""
            INSERT INTO upload_sessions (id, repository, started_at, last_activity)
            VALUES (@id, @repository, @started_at, @started_at)
            ON CONFLICT (id) DO NOTHING
            """);
        cmd.Parameters.Add(Text("id", uploadId));
        cmd.Parameters.Add(Text("repository", repository));
        cmd.Parameters.Add(Timestamp("started_at", startedAt));
        await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    public async Task TouchUploadAsync(string uploadId, DateTimeOffset lastActivity, CancellationToken ct = default)
    {
        // GREATEST: chunks handled by different silos may report out of order; activity never goes back.
        await using var cmd = _dataSource.CreateCommand("""
            UPDATE upload_sessions SET last_activity = GREATEST(last_activity, @last_activity)
            WHERE id = @id
            """);
        cmd.Parameters.Add(Text("id", uploadId));
        cmd.Parameters.Add(Timestamp("last_activity", lastActivity));
        await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    public async Task RemoveUploadAsync(string uploadId, CancellationToken ct = default)
    {
        await using var cmd = _dataSource.CreateCommand("DELETE FROM upload_sessions WHERE id = @id");
        cmd.Parameters.Add(Text("id", uploadId));
        await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<string>> ListExpiredUploadsAsync(DateTimeOffset olderThan, int limit, CancellationToken ct = default)
    {
        if (CheckLimit(limit) == 0)
        {
            return [];
        }

        // Oldest first, so a sweep that removes what it lists makes progress page after page.
        await using var cmd = _dataSource.CreateCommand("""
            SELECT id FROM upload_sessions
            WHERE last_activity < @older_than
            ORDER BY last_activity, id
            LIMIT @limit
            """);
        cmd.Parameters.Add(Timestamp("older_than", olderThan));
        cmd.Parameters.Add(new NpgsqlParameter<int>("limit", limit));
        return await ReadStringsAsync(cmd, ct).ConfigureAwait(false);
    }

    private static int CheckLimit(int limit)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        return limit;
    }

    private static Task<IReadOnlyList<string>> ReadStringsAsync(NpgsqlCommand cmd, CancellationToken ct) =>
        ReadAllAsync(cmd, static value => value, ct);

    /// <summary>The first column of every row, made typed here (<paramref name="parse"/>), where it leaves the SQL.</summary>
    private static async Task<IReadOnlyList<T>> ReadAllAsync<T>(NpgsqlCommand cmd, Func<string, T> parse, CancellationToken ct)
    {
        var result = new List<T>();
        await using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            result.Add(parse(reader.GetString(0)));
        }

        return result;
    }
}
