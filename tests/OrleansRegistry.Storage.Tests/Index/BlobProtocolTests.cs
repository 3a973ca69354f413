using Npgsql;
using OrleansRegistry.Core;
using OrleansRegistry.Storage.Index;
using OrleansRegistry.TestSupport;

namespace OrleansRegistry.Storage.Tests.Index;

/// <summary>
/// The writer side of the blob protocol (sql/11-storage-lifecycle.sql `blobs`): a link needs the blob's row, not being
/// deleted; an upload commit holds that row's lock while the store moves the bytes in, so it waits for a collector.
/// </summary>
public sealed class BlobProtocolTests(PostgresDatabaseFixture db) : IClassFixture<PostgresDatabaseFixture>
{
    private readonly PostgresRegistryIndex _index = new(db.DataSource);

    private static RepositoryName NewRepository(string name) => RepositoryName.Parse($"t{Guid.NewGuid():N}/{name}");

    private static Digest NewDigest() => Digest.Parse($"sha256:{Guid.NewGuid():N}{Guid.NewGuid():N}");

    [Fact]
    public async Task A_blob_that_was_never_committed_is_not_linked()
    {
        var repo = NewRepository("never");
        var digest = NewDigest();

        Assert.False(await _index.LinkBlobAsync(repo, digest, 10));

        Assert.Null(await _index.GetBlobLinkAsync(repo, digest));
        Assert.False(await _index.RepositoryExistsAsync(repo));
    }

    [Fact]
    public async Task A_link_is_refused_while_the_collector_deletes_the_blob_and_a_new_commit_revives_it()
    {
        var (repo, other) = (NewRepository("deleting"), NewRepository("other"));
        var digest = NewDigest();
        await _index.CommitBlobAsync(digest, 10, _ => Task.CompletedTask);
        Assert.True(await _index.LinkBlobAsync(repo, digest, 10));
        await ExecuteAsync($"UPDATE blobs SET deleting = true WHERE digest = '{digest}'"); // the collector's first transaction

        Assert.False(await _index.LinkBlobAsync(other, digest, 10));
        Assert.Null(await _index.GetBlobLinkAsync(other, digest));

        await _index.CommitBlobAsync(digest, 10, _ => Task.CompletedTask); // uploaded again
        Assert.False(await ScalarAsync<bool>($"SELECT deleting FROM blobs WHERE digest = '{digest}'"));
        Assert.True(await _index.LinkBlobAsync(other, digest, 10));
    }

    [Fact]
    public async Task Commit_and_link_restart_the_grace_clock()
    {
        var repo = NewRepository("clock");
        var digest = NewDigest();
        await _index.CommitBlobAsync(digest, 10, _ => Task.CompletedTask);
        await ExecuteAsync($"UPDATE blobs SET last_linked_at = now() - interval '2 days' WHERE digest = '{digest}'");

        Assert.True(await _index.LinkBlobAsync(repo, digest, 10));
        Assert.True(await ScalarAsync<bool>($"SELECT last_linked_at > now() - interval '1 hour' FROM blobs WHERE digest = '{digest}'"));

        await ExecuteAsync($"UPDATE blobs SET last_linked_at = now() - interval '2 days' WHERE digest = '{digest}'");
        await _index.CommitBlobAsync(digest, 10, _ => Task.CompletedTask);
        Assert.True(await ScalarAsync<bool>($"SELECT last_linked_at > now() - interval '1 hour' FROM blobs WHERE digest = '{digest}'"));
    }

    [Fact]
    public async Task The_store_commit_runs_under_the_row_lock_and_waits_for_a_collector_holding_it()
    {
        var digest = NewDigest();
        await _index.CommitBlobAsync(digest, 10, _ => Task.CompletedTask);

        // The collector's second transaction holds the row while it deletes the bytes.
        await using var collector = await db.DataSource.OpenConnectionAsync();
        await using var sweep = await collector.BeginTransactionAsync();
        await using (var lockRow = new NpgsqlCommand($"SELECT 1 FROM blobs WHERE digest = '{digest}' FOR UPDATE", collector, sweep))
            await lockRow.ExecuteNonQueryAsync();

        var storeCommits = 0;
        var commit = _index.CommitBlobAsync(digest, 10, _ =>
        {
            Interlocked.Increment(ref storeCommits);
            return Task.CompletedTask;
        });
        await PostgresLockWaits.WaitUntilBlockedAsync(db.DataSource);
        Assert.Equal(0, Volatile.Read(ref storeCommits)); // blocked before the store was touched

        await using (var delete = new NpgsqlCommand($"DELETE FROM blobs WHERE digest = '{digest}'", collector, sweep))
            await delete.ExecuteNonQueryAsync();
        await sweep.CommitAsync();
        await commit;

        Assert.Equal(1, storeCommits);
        Assert.Equal(1L, await ScalarAsync<long>($"SELECT count(*) FROM blobs WHERE digest = '{digest}' AND NOT deleting"));
    }

    [Fact]
    public async Task A_failed_store_commit_leaves_no_blob_row()
    {
        var digest = NewDigest();

        await Assert.ThrowsAsync<IOException>(() =>
            _index.CommitBlobAsync(digest, 10, _ => throw new IOException("store down")));

        Assert.Equal(0L, await ScalarAsync<long>($"SELECT count(*) FROM blobs WHERE digest = '{digest}'"));
    }

    private Task ExecuteAsync(string sql) => PostgresSql.ExecuteAsync(db.ConnectionString, sql);

    private Task<T> ScalarAsync<T>(string sql) => PostgresSql.ScalarAsync<T>(db.ConnectionString, sql);
}
