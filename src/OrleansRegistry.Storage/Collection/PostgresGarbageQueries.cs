using Npgsql;
using OrleansRegistry.Core;
using static OrleansRegistry.Storage.SqlParameters;

namespace OrleansRegistry.Storage.Collection;

/// <summary>
/// <see cref="IGarbageQueries"/> on PostgreSQL. The sweep's two transactions take the same row locks as the writers of
/// sql/11-storage-lifecycle.sql (upload commit: the <c>blobs</c> row; link: the <c>blobs</c> row; manifest PUT: the
/// repository's <c>blob_links</c> rows FOR SHARE), so a manifest PUT racing the sweep either commits first (and the
/// re-check sees its references) or finds the links gone (MANIFEST_BLOB_UNKNOWN); it never commits over missing bytes.
/// </summary>
public sealed class PostgresGarbageQueries(NpgsqlDataSource dataSource) : IGarbageQueries
{
    private const int StoreDeletesAtOnce = 8;

    public async Task<DateTimeOffset> DatabaseNowAsync(CancellationToken ct = default)
    {
        await using var cmd = dataSource.CreateCommand("SELECT now()");
        return new DateTimeOffset((DateTime)(await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false))!, TimeSpan.Zero);
    }

    public async Task<IReadOnlyList<TagRecord>> ListExpiredTagsAsync(RepositoryName repository, int? keepNewest, DateTimeOffset? olderThan,
        CancellationToken ct = default)
    {
        if (keepNewest is null && olderThan is null) return [];
        // Newest first by the time the tag last moved; the tag name breaks ties so "the newest N" is stable.
        await using var cmd = dataSource.CreateCommand($"""
            SELECT tag, digest, updated_at FROM (
                SELECT tag, digest, updated_at, row_number() OVER (ORDER BY updated_at DESC, tag DESC) AS newest
                FROM tags WHERE repository = @repository
            ) ranked
            WHERE {(keepNewest is null ? "true" : "newest > @keep")}
              AND {(olderThan is null ? "true" : "updated_at < @older_than")}
            ORDER BY updated_at, tag
            """);
        cmd.Parameters.Add(Text("repository", repository));
        if (keepNewest is { } keep) cmd.Parameters.Add(new NpgsqlParameter<long>("keep", keep));
        if (olderThan is { } cutoff) cmd.Parameters.Add(Timestamp("older_than", cutoff));
        var tags = new List<TagRecord>();
        await using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
            tags.Add(new TagRecord(Tag.Parse(reader.GetString(0)), Digest.Parse(reader.GetString(1)), reader.GetFieldValue<DateTimeOffset>(2)));
        return tags;
    }

    public async Task<bool> DeleteTagIfUnchangedAsync(RepositoryName repository, TagRecord tag, CancellationToken ct = default)
    {
        await using var cmd = dataSource.CreateCommand("""
            DELETE FROM tags
            WHERE repository = @repository AND tag = @tag AND digest = @digest AND updated_at = @updated_at
            """);
        cmd.Parameters.Add(Text("repository", repository));
        cmd.Parameters.Add(Text("tag", tag.Tag));
        cmd.Parameters.Add(Text("digest", tag.Digest));
        cmd.Parameters.Add(Timestamp("updated_at", tag.UpdatedAt));
        return await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false) > 0;
    }

    public Task<IReadOnlyList<Digest>> ListUnreferencedManifestsAsync(RepositoryName repository, DateTimeOffset createdBefore,
        IReadOnlyCollection<Tag> goneTags, IReadOnlyCollection<Digest> goneManifests, Digest? after, int limit,
        CancellationToken ct = default) =>
        // The same rules IManifestGrain.DeleteUnreferenced re-checks under its row lock.
        ListManifestsAsync(repository, $"""
            m.created_at < @cutoff
            AND NOT EXISTS (SELECT 1 FROM tags t
                            WHERE t.repository = m.repository AND t.digest = m.digest AND t.tag <> ALL (@gone_tags))
            """, createdBefore, goneTags, goneManifests, after, limit, ct);

    public Task<IReadOnlyList<Digest>> ListNotPulledManifestsAsync(RepositoryName repository, DateTimeOffset usedBefore,
        IReadOnlyCollection<Digest> goneManifests, Digest? after, int limit, CancellationToken ct = default) =>
        // The same rules IManifestGrain.DeleteNotPulled re-checks under its row lock; tags do not keep a manifest here.
        ListManifestsAsync(repository, $"{RetentionSql.LastUsed} < @cutoff", usedBefore, [], goneManifests, after, limit, ct);

    /// <summary>
    /// A page of the manifests of <paramref name="repository"/> after <paramref name="after"/> (digest order) for which
    /// <paramref name="condition"/> (over the row <c>m</c>, <c>@cutoff</c> and <c>@gone_tags</c>) holds and that no other
    /// manifest of the repository keeps.
    /// </summary>
    private async Task<IReadOnlyList<Digest>> ListManifestsAsync(RepositoryName repository, string condition, DateTimeOffset cutoff,
        IReadOnlyCollection<Tag> goneTags, IReadOnlyCollection<Digest> goneManifests, Digest? after, int limit, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand($"""
            SELECT m.digest FROM manifests m
            WHERE m.repository = @repository {(after is null ? "" : "AND m.digest > @after")}
              AND m.digest <> ALL (@gone_manifests)
              AND {condition}
              AND {RetentionSql.NotKeptByAnotherManifest}
            ORDER BY m.digest
            LIMIT @limit
            """);
        cmd.Parameters.Add(Text("repository", repository));
        if (after is { } position) cmd.Parameters.Add(Text("after", position));
        cmd.Parameters.Add(Timestamp("cutoff", cutoff));
        cmd.Parameters.Add(TextArray("gone_tags", goneTags));
        cmd.Parameters.Add(TextArray("gone_manifests", goneManifests));
        cmd.Parameters.Add(new NpgsqlParameter<int>("limit", limit));
        var digests = new List<Digest>();
        await using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await reader.ReadAsync(ct).ConfigureAwait(false)) digests.Add(Digest.Parse(reader.GetString(0)));
        return digests;
    }

    public async Task<IReadOnlyList<BlobRecord>> ListDeletingBlobsAsync(int limit, CancellationToken ct = default)
    {
        await using var cmd = dataSource.CreateCommand(
            "SELECT digest, size FROM blobs WHERE deleting ORDER BY digest LIMIT @limit");
        cmd.Parameters.Add(new NpgsqlParameter<int>("limit", limit));
        return await ReadBlobsAsync(cmd, ct).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<BlobRecord>> ListGarbageBlobsAsync(DateTimeOffset linkedBefore, Digest? after, int limit,
        IReadOnlyCollection<ManifestKey> goneManifests, CancellationToken ct = default)
    {
        // Mark: a blob no manifest references is garbage once its grace period is over. A dry run also discounts the
        // references of the manifests it decided to delete; a real run has deleted them already.
        var referenced = goneManifests.Count == 0
            ? "SELECT 1 FROM manifest_references r WHERE r.digest = b.digest AND r.kind = 'blob'"
            : """
              SELECT 1 FROM manifest_references r WHERE r.digest = b.digest AND r.kind = 'blob'
                AND NOT EXISTS (SELECT 1 FROM unnest(@gone_repositories, @gone_digests) AS g(repository, digest)
                                WHERE g.repository = r.repository AND g.digest = r.manifest)
              """;
        await using var cmd = dataSource.CreateCommand($"""
            SELECT b.digest, b.size FROM blobs b
            WHERE NOT b.deleting AND b.last_linked_at < @linked_before
              {(after is null ? "" : "AND b.digest > @after")}
              AND NOT EXISTS ({referenced})
            ORDER BY b.digest
            LIMIT @limit
            """);
        cmd.Parameters.Add(Timestamp("linked_before", linkedBefore));
        if (after is { } position) cmd.Parameters.Add(Text("after", position));
        if (goneManifests.Count > 0)
        {
            cmd.Parameters.Add(TextArray("gone_repositories", goneManifests.Select(m => m.Repository)));
            cmd.Parameters.Add(TextArray("gone_digests", goneManifests.Select(m => m.Digest)));
        }
        cmd.Parameters.Add(new NpgsqlParameter<int>("limit", limit));
        return await ReadBlobsAsync(cmd, ct).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<UnlinkedBlob>> UnlinkGarbageBlobsAsync(IReadOnlyList<Digest> digests, DateTimeOffset linkedBefore,
        CancellationToken ct = default)
    {
        if (digests.Count == 0) return [];
        await using var connection = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);

        // The blobs' rows first (upload commits and links lock them too), then their links (a manifest PUT locks the ones
        // it references FOR SHARE, in digest order as here): whichever transaction locks first, the other waits for it.
        await ExecuteAsync(connection, "SELECT 1 FROM blobs WHERE digest = ANY (@digests) ORDER BY digest FOR UPDATE", digests, ct)
            .ConfigureAwait(false);
        await ExecuteAsync(connection, "SELECT 1 FROM blob_links WHERE digest = ANY (@digests) ORDER BY digest, repository FOR UPDATE",
            digests, ct).ConfigureAwait(false);

        // A new statement sees what committed while this transaction waited for its locks (READ COMMITTED): the re-check.
        IReadOnlyList<BlobRecord> garbage;
        await using (var recheck = new NpgsqlCommand("""
            SELECT b.digest, b.size FROM blobs b
            WHERE b.digest = ANY (@digests) AND NOT b.deleting AND b.last_linked_at < @linked_before
              AND NOT EXISTS (SELECT 1 FROM manifest_references r WHERE r.digest = b.digest AND r.kind = 'blob')
            ORDER BY b.digest
            """, connection))
        {
            recheck.Parameters.Add(TextArray("digests", digests));
            recheck.Parameters.Add(Timestamp("linked_before", linkedBefore));
            garbage = await ReadBlobsAsync(recheck, ct).ConfigureAwait(false);
        }
        if (garbage.Count == 0) return []; // rolled back on dispose

        var linkedFrom = garbage.ToDictionary(b => b.Digest, _ => new List<RepositoryName>());
        await using (var unlink = new NpgsqlCommand("""
            WITH unlinked AS (DELETE FROM blob_links WHERE digest = ANY (@garbage) RETURNING digest, repository),
                 marked AS (UPDATE blobs SET deleting = true WHERE digest = ANY (@garbage))
            SELECT digest, repository FROM unlinked ORDER BY digest, repository
            """, connection))
        {
            unlink.Parameters.Add(TextArray("garbage", garbage.Select(b => b.Digest)));
            await using var reader = await unlink.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await reader.ReadAsync(ct).ConfigureAwait(false)) linkedFrom[Digest.Parse(reader.GetString(0))].Add(RepositoryName.Parse(reader.GetString(1)));
        }
        await transaction.CommitAsync(ct).ConfigureAwait(false);
        return garbage.Select(b => new UnlinkedBlob(b.Digest, b.Size, linkedFrom[b.Digest])).ToList();
    }

    public async Task<IReadOnlyList<BlobRecord>> DeleteUnlinkedBlobsAsync(IReadOnlyList<Digest> digests,
        Func<Digest, CancellationToken, Task> deleteBytes, CancellationToken ct = default)
    {
        if (digests.Count == 0) return [];
        await using var connection = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
        IReadOnlyList<BlobRecord> marked;
        await using (var locked = new NpgsqlCommand(
            "SELECT digest, size FROM blobs WHERE digest = ANY (@digests) AND deleting ORDER BY digest FOR UPDATE", connection))
        {
            locked.Parameters.Add(TextArray("digests", digests));
            marked = await ReadBlobsAsync(locked, ct).ConfigureAwait(false);
        }
        if (marked.Count == 0) return [];

        // Under the row locks an upload commit of one of these digests waits, then writes its own bytes after these are
        // gone. A failure here rolls back: the rows stay marked, and the next run deletes again whatever is left.
        // An object store answers each delete in a round trip: a few at a time, all under the batch's row locks.
        await Parallel.ForEachAsync(marked, new ParallelOptions { MaxDegreeOfParallelism = StoreDeletesAtOnce, CancellationToken = ct },
            async (blob, c) => await deleteBytes(blob.Digest, c).ConfigureAwait(false)).ConfigureAwait(false);
        await using (var delete = new NpgsqlCommand("DELETE FROM blobs WHERE digest = ANY (@digests)", connection))
        {
            delete.Parameters.Add(TextArray("digests", marked.Select(b => b.Digest)));
            await delete.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
        await transaction.CommitAsync(ct).ConfigureAwait(false);
        return marked;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, IReadOnlyList<Digest> digests, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, connection);
        cmd.Parameters.Add(TextArray("digests", digests));
        await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    private static async Task<IReadOnlyList<BlobRecord>> ReadBlobsAsync(NpgsqlCommand cmd, CancellationToken ct)
    {
        var blobs = new List<BlobRecord>();
        await using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await reader.ReadAsync(ct).ConfigureAwait(false)) blobs.Add(new BlobRecord(Digest.Parse(reader.GetString(0)), reader.GetInt64(1)));
        return blobs;
    }
}
