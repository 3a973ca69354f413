using Npgsql;
using OrleansRegistry.Core;
using static OrleansRegistry.Storage.SqlParameters;

namespace OrleansRegistry.Storage.Index;

/// <summary>
/// The writer side of the blob protocol (docs: storage life cycle): a blob's row in `blobs` is locked while its bytes
/// are committed, and a link is made only while that row exists and is not being deleted. The collector takes the same
/// row lock (FOR UPDATE) before it removes links or bytes, so a commit or link either precedes it (and the blob is
/// kept: its grace clock restarted) or follows it (and sees the blob gone).
/// </summary>
public sealed partial class PostgresRegistryIndex
{
    public async Task CommitBlobAsync(Digest digest, long size, Func<CancellationToken, Task> commitToStore, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        ArgumentNullException.ThrowIfNull(commitToStore);
        await using var connection = await _dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
        await using (var upsert = new NpgsqlCommand("""
            INSERT INTO blobs (digest, size) VALUES (@digest, @size)
            ON CONFLICT (digest) DO UPDATE SET last_linked_at = now(), deleting = false
            """, connection, transaction))
        {
            upsert.Parameters.Add(Text("digest", digest));
            upsert.Parameters.Add(new NpgsqlParameter<long>("size", size));
            await upsert.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }

        // Inside the transaction: the row lock is held until the bytes are in place.
        await commitToStore(ct).ConfigureAwait(false);
        await transaction.CommitAsync(ct).ConfigureAwait(false);
    }

    public async Task<bool> LinkBlobAsync(RepositoryName repository, Digest digest, long size, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        // One statement: the UPDATE locks the blob's row (waiting for a collector that holds it, then re-checking
        // `deleting` on the row it committed); the repository and the link are written only when that row was found.
        // A blob is content-addressed: an existing link already has the right size, so DO NOTHING.
        await using var cmd = _dataSource.CreateCommand("""
            WITH blob AS (
                UPDATE blobs SET last_linked_at = now() WHERE digest = @digest AND NOT deleting RETURNING digest
            ),
            repository AS (
                INSERT INTO repositories (name) SELECT @repository FROM blob ON CONFLICT (name) DO NOTHING
            ),
            link AS (
                INSERT INTO blob_links (repository, digest, size) SELECT @repository, @digest, @size FROM blob
                ON CONFLICT (repository, digest) DO NOTHING
            )
            SELECT count(*) FROM blob
            """);
        cmd.Parameters.Add(Text("repository", repository));
        cmd.Parameters.Add(Text("digest", digest));
        cmd.Parameters.Add(new NpgsqlParameter<long>("size", size));
        return (long)(await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false))! > 0;
    }
}
