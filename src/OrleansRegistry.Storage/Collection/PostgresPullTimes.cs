using Npgsql;
using static OrleansRegistry.Storage.SqlParameters;

namespace OrleansRegistry.Storage.Collection;

/// <summary>
/// <see cref="IPullTimes"/> on PostgreSQL: one batch of two UPDATEs over unnest()ed arrays, sent in one round trip and
/// run as one implicit transaction. Rows are locked in key order (as a manifest PUT locks its children and the sweep its
/// blobs), so two silos flushing overlapping batches wait for each other instead of deadlocking; a row whose time would
/// not move forward is not written at all (no dead tuple).
/// </summary>
public sealed class PostgresPullTimes(NpgsqlDataSource dataSource) : IPullTimes
{
    public async Task RecordAsync(IReadOnlyCollection<ManifestPull> manifests, IReadOnlyCollection<BlobPull> blobs,
        CancellationToken ct = default)
    {
        if (manifests.Count == 0 && blobs.Count == 0) return;
        await using var batch = dataSource.CreateBatch();
        if (manifests.Count > 0)
        {
            var update = new NpgsqlBatchCommand("""
                WITH pulled AS (
                    SELECT repository, digest, max(pulled_at) AS pulled_at
                    FROM unnest(@repositories, @digests, @pulled_at) AS p(repository, digest, pulled_at)
                    GROUP BY repository, digest
                ),
                locked AS (
                    SELECT m.repository, m.digest, p.pulled_at FROM manifests m
                    JOIN pulled p ON p.repository = m.repository AND p.digest = m.digest
                    WHERE m.last_pulled_at IS NULL OR m.last_pulled_at < p.pulled_at
                    ORDER BY m.repository, m.digest
                    FOR NO KEY UPDATE OF m
                )
                UPDATE manifests m SET last_pulled_at = GREATEST(m.last_pulled_at, l.pulled_at)
                FROM locked l WHERE m.repository = l.repository AND m.digest = l.digest
                """);
            update.Parameters.Add(TextArray("repositories", manifests.Select(m => m.Repository)));
            update.Parameters.Add(TextArray("digests", manifests.Select(m => m.Digest)));
            update.Parameters.Add(Timestamps("pulled_at", manifests.Select(m => m.PulledAt)));
            batch.BatchCommands.Add(update);
        }
        if (blobs.Count > 0)
        {
            var update = new NpgsqlBatchCommand("""
                WITH pulled AS (
                    SELECT digest, max(pulled_at) AS pulled_at
                    FROM unnest(@digests, @pulled_at) AS p(digest, pulled_at)
                    GROUP BY digest
                ),
                locked AS (
                    SELECT b.digest, p.pulled_at FROM blobs b
                    JOIN pulled p ON p.digest = b.digest
                    WHERE b.last_pulled_at IS NULL OR b.last_pulled_at < p.pulled_at
                    ORDER BY b.digest
                    FOR NO KEY UPDATE OF b
                )
                UPDATE blobs b SET last_pulled_at = GREATEST(b.last_pulled_at, l.pulled_at)
                FROM locked l WHERE b.digest = l.digest
                """);
            update.Parameters.Add(TextArray("digests", blobs.Select(b => b.Digest)));
            update.Parameters.Add(Timestamps("pulled_at", blobs.Select(b => b.PulledAt)));
            batch.BatchCommands.Add(update);
        }
        await batch.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }
}
