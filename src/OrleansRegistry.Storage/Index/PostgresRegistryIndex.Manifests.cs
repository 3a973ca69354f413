using Npgsql;
using NpgsqlTypes;
using OrleansRegistry.Core;
using OrleansRegistry.Storage.Collection;
using static OrleansRegistry.Storage.SqlParameters;

namespace OrleansRegistry.Storage.Index;

/// <summary>
/// Manifests as rows (sql/11-storage-lifecycle.sql): a PUT and a DELETE are one transaction each, so a manifest, its
/// references, its referrer entry and its tags change together or not at all.
/// </summary>
public sealed partial class PostgresRegistryIndex
{
    public async Task<ManifestRow?> GetManifestAsync(RepositoryName repository, Digest digest, CancellationToken ct = default)
    {
        await using var cmd = _dataSource.CreateCommand("""
            SELECT media_type, content, subject, created_at FROM manifests
            WHERE repository = @repository AND digest = @digest
            """);
        cmd.Parameters.Add(Text("repository", repository));
        cmd.Parameters.Add(Text("digest", digest));
        await using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        return await reader.ReadAsync(ct).ConfigureAwait(false) ? ReadManifest(digest, reader) : null;
    }

    public async Task<ManifestPutResult> PutManifestAsync(RepositoryName repository, ManifestWrite manifest, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        await using var connection = await _dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);

        // Locked before anything is written, in digest order: a collector deleting one of these links (FOR UPDATE)
        // either finished first (the row is gone: refused below) or waits until this manifest is committed (and then
        // sees its references).
        var linked = await LockAsync(connection, transaction, """
            SELECT digest, size FROM blob_links WHERE repository = @repository AND digest = ANY(@digests)
            ORDER BY digest FOR SHARE
            """, repository, Referenced(manifest, ManifestReference.Blob), ct).ConfigureAwait(false);
        var children = await LockAsync(connection, transaction, """
            SELECT digest, 0::bigint FROM manifests WHERE repository = @repository AND digest = ANY(@digests)
            ORDER BY digest FOR SHARE
            """, repository, Referenced(manifest, ManifestReference.Manifest), ct).ConfigureAwait(false);
        var missing = manifest.References
            .Where(r => r.Kind == ManifestReference.Blob && !linked.ContainsKey(r.Digest.ToString())
                        || r.Kind == ManifestReference.Manifest && !children.ContainsKey(r.Digest.ToString()))
            .Select(r => r.Digest).Distinct().ToList();
        if (manifest.RequireReferences && missing.Count > 0)
        {
            await transaction.RollbackAsync(ct).ConfigureAwait(false);
            return ManifestPutResult.Refused(missing);
        }

        ManifestRow stored;
        await using (var insert = new NpgsqlCommand("""
            WITH repository AS (
                INSERT INTO repositories (name) VALUES (@repository) ON CONFLICT (name) DO NOTHING
            )
            INSERT INTO manifests (repository, digest, media_type, content, subject)
            VALUES (@repository, @digest, @media_type, @content, @subject)
            ON CONFLICT (repository, digest) DO UPDATE
                SET media_type = EXCLUDED.media_type,
                    -- the same digest and type: the bytes stay as first pushed (schema1 signatures may differ)
                    content = CASE WHEN manifests.media_type = EXCLUDED.media_type THEN manifests.content ELSE EXCLUDED.content END,
                    subject = EXCLUDED.subject
            RETURNING media_type, content, subject, created_at
            """, connection, transaction))
        {
            insert.Parameters.Add(Text("repository", repository));
            insert.Parameters.Add(Text("digest", manifest.Digest));
            insert.Parameters.Add(Text("media_type", manifest.MediaType));
            insert.Parameters.Add(new NpgsqlParameter<byte[]>("content", NpgsqlDbType.Bytea) { TypedValue = manifest.Content });
            insert.Parameters.Add(NullableText("subject", manifest.Subject?.ToString()));
            await using var reader = await insert.ExecuteReaderAsync(ct).ConfigureAwait(false);
            await reader.ReadAsync(ct).ConfigureAwait(false);
            stored = ReadManifest(manifest.Digest, reader);
        }

        // A blob descriptor without a size (schema1 records none) takes the size of the link.
        var references = manifest.References
            .Select(r => r.Kind == ManifestReference.Blob && r.Size == 0 && linked.TryGetValue(r.Digest.ToString(), out var size) ? r with { Size = size } : r)
            .ToList();
        await using (var write = new NpgsqlCommand("""
            WITH old AS (
                DELETE FROM manifest_references WHERE repository = @repository AND manifest = @digest
            )
            INSERT INTO manifest_references (repository, manifest, digest, kind, size)
            SELECT @repository, @digest, d, k, s FROM unnest(@digests, @kinds, @sizes) AS r(d, k, s)
            ON CONFLICT DO NOTHING
            """, connection, transaction))
        {
            write.Parameters.Add(Text("repository", repository));
            write.Parameters.Add(Text("digest", manifest.Digest));
            write.Parameters.Add(TextArray("digests", references.Select(r => r.Digest)));
            write.Parameters.Add(TextArray("kinds", references.Select(r => r.Kind)));
            write.Parameters.Add(new NpgsqlParameter<long[]>("sizes", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { TypedValue = references.Select(r => r.Size).ToArray() });
            await write.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }

        if (manifest.Subject is { } subject && manifest.Referrer is { } referrer)
        {
            await using var add = new NpgsqlCommand(null, connection, transaction);
            AddReferrerCommand(add, repository, subject, referrer);
            await add.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }

        if (manifest.Tag is { } tag)
        {
            await using var put = new NpgsqlCommand(null, connection, transaction);
            PutTagCommand(put, repository, tag, manifest.Digest);
            await put.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }

        await transaction.CommitAsync(ct).ConfigureAwait(false);
        return new ManifestPutResult(stored, missing);
    }

    public async Task<IReadOnlyList<Tag>?> DeleteManifestAsync(RepositoryName repository, Digest digest, CancellationToken ct = default)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
        var tags = await DeleteRowsAsync(connection, transaction, repository, digest, ct).ConfigureAwait(false);
        if (tags is null)
        {
            await transaction.RollbackAsync(ct).ConfigureAwait(false);
            return null;
        }

        await transaction.CommitAsync(ct).ConfigureAwait(false);
        return tags;
    }

    public async Task<bool> DeleteUnreferencedManifestAsync(RepositoryName repository, Digest digest, DateTimeOffset createdBefore,
        CancellationToken ct = default) =>
        await DeleteIfAsync(repository, digest, $"""
            m.created_at < @cutoff
            AND NOT EXISTS (SELECT 1 FROM tags t WHERE t.repository = m.repository AND t.digest = m.digest)
            AND {RetentionSql.NotKeptByAnotherManifest}
            """, createdBefore, ct).ConfigureAwait(false) is not null;

    public Task<IReadOnlyList<Tag>?> DeleteNotPulledManifestAsync(RepositoryName repository, Digest digest, DateTimeOffset usedBefore,
        CancellationToken ct = default) =>
        DeleteIfAsync(repository, digest, $"{RetentionSql.LastUsed} < @cutoff AND {RetentionSql.NotKeptByAnotherManifest}", usedBefore, ct);

    /// <summary>
    /// The collector's deletes: locks the manifest's row, then deletes it with its tags in the same transaction only if
    /// <paramref name="condition"/> (over the row <c>m</c> and <c>@cutoff</c>) still holds. The removed tags, or null when kept.
    /// </summary>
    private async Task<IReadOnlyList<Tag>?> DeleteIfAsync(RepositoryName repository, Digest digest, string condition,
        DateTimeOffset cutoff, CancellationToken ct)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
        await using (var lockRow = new NpgsqlCommand(
            "SELECT 1 FROM manifests WHERE repository = @repository AND digest = @digest FOR UPDATE", connection, transaction))
        {
            lockRow.Parameters.Add(Text("repository", repository));
            lockRow.Parameters.Add(Text("digest", digest));
            if (await lockRow.ExecuteScalarAsync(ct).ConfigureAwait(false) is null)
            {
                await transaction.RollbackAsync(ct).ConfigureAwait(false);
                return null;
            }
        }

        // A new statement, so it sees whatever committed while the lock was awaited: a tag moved onto it, an index
        // that now holds it as a child (its PUT held this row FOR SHARE), a subject pushed since, a pull time flushed.
        await using (var check = new NpgsqlCommand(
            $"SELECT {condition} FROM manifests m WHERE m.repository = @repository AND m.digest = @digest", connection, transaction))
        {
            check.Parameters.Add(Text("repository", repository));
            check.Parameters.Add(Text("digest", digest));
            check.Parameters.Add(Timestamp("cutoff", cutoff));
            check.Parameters.Add(TextArray("gone_manifests", Array.Empty<string>()));
            if (!(bool)(await check.ExecuteScalarAsync(ct).ConfigureAwait(false))!)
            {
                await transaction.RollbackAsync(ct).ConfigureAwait(false);
                return null;
            }
        }

        var tags = await DeleteRowsAsync(connection, transaction, repository, digest, ct).ConfigureAwait(false);
        await transaction.CommitAsync(ct).ConfigureAwait(false);
        return tags;
    }

    /// <summary>Deletes the manifest's rows inside <paramref name="transaction"/>; the removed tags, or null when absent.</summary>
    private static async Task<IReadOnlyList<Tag>?> DeleteRowsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction,
        RepositoryName repository, Digest digest, CancellationToken ct)
    {
        await using (var manifest = new NpgsqlCommand("""
            WITH deleted AS (
                DELETE FROM manifests WHERE repository = @repository AND digest = @digest RETURNING digest
            ),
            references_ AS (
                DELETE FROM manifest_references WHERE repository = @repository AND manifest = @digest
            ),
            referrer AS (
                DELETE FROM referrers WHERE repository = @repository AND digest = @digest
            )
            SELECT count(*) FROM deleted
            """, connection, transaction))
        {
            manifest.Parameters.Add(Text("repository", repository));
            manifest.Parameters.Add(Text("digest", digest));
            if ((long)(await manifest.ExecuteScalarAsync(ct).ConfigureAwait(false))! == 0) return null;
        }

        await using var tags = new NpgsqlCommand(DeleteTagsPointingToSql, connection, transaction);
        tags.Parameters.Add(Text("repository", repository));
        tags.Parameters.Add(Text("digest", digest));
        return await ReadAllAsync(tags, static tag => Tag.Parse(tag), ct).ConfigureAwait(false);
    }

    private static string[] Referenced(ManifestWrite manifest, string kind) =>
        manifest.References.Where(r => r.Kind == kind).Select(r => r.Digest.ToString()).Distinct().Order(StringComparer.Ordinal).ToArray();

    /// <summary>
    /// Runs a locking SELECT of (digest, size) rows for <paramref name="digests"/>; none asked, no round trip. Keyed by
    /// the digests' text, which is what the caller looks them up by (a digest's text is kept inside it).
    /// </summary>
    private static async Task<Dictionary<string, long>> LockAsync(NpgsqlConnection connection, NpgsqlTransaction transaction,
        string sql, RepositoryName repository, string[] digests, CancellationToken ct)
    {
        var found = new Dictionary<string, long>(StringComparer.Ordinal);
        if (digests.Length == 0) return found;
        await using var cmd = new NpgsqlCommand(sql, connection, transaction);
        cmd.Parameters.Add(Text("repository", repository));
        cmd.Parameters.Add(TextArray("digests", digests));
        await using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await reader.ReadAsync(ct).ConfigureAwait(false)) found[reader.GetString(0)] = reader.GetInt64(1);
        return found;
    }

    /// <summary>
    /// A row of (media_type, content, subject, created_at) of manifest <paramref name="digest"/>: the digest the query
    /// asked for is the row's, so it is not read back and parsed again.
    /// </summary>
    private static ManifestRow ReadManifest(Digest digest, NpgsqlDataReader reader) => new(
        digest,
        reader.GetString(0),
        reader.GetFieldValue<byte[]>(1),
        reader.IsDBNull(2) ? null : Digest.Parse(reader.GetString(2)),
        reader.GetFieldValue<DateTimeOffset>(3));
}
