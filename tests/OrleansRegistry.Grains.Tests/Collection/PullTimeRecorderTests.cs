using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using OrleansRegistry.Core;
using OrleansRegistry.Grains.Collection;
using OrleansRegistry.Storage.Collection;
using OrleansRegistry.Storage.Index;

namespace OrleansRegistry.Grains.Tests.Collection;

/// <summary>
/// The silo's pull time batches (docs/garbage-collection.md): a pull is recorded in memory and written every flush
/// interval, early when many are waiting, and when the silo stops; a failed write keeps them for the next one, with one
/// warning. Against the real PostgreSQL tables.
/// </summary>
public sealed class PullTimeRecorderTests(PostgresDatabaseFixture db) : IClassFixture<PostgresDatabaseFixture>
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(10);
    private readonly PostgresRegistryIndex _index = new(db.DataSource);
    private readonly TestClock _clock = new();
    private readonly RecordingLogger<PullTimeRecorder> _logger = new();

    [Fact] // flushed every PullTimeFlushInterval, with the registry's clock's time of the pull
    public async Task Pulls_are_written_at_the_next_interval()
    {
        var (repo, manifest, blob) = await StoredAsync();
        using var recorder = Recorder(db.DataSource, TimeSpan.FromMilliseconds(100));
        await recorder.StartAsync(CancellationToken.None);
        _clock.Advance(TimeSpan.FromDays(3));
        var pulledAt = _clock.GetUtcNow();

        recorder.RecordManifestPull(repo, manifest);
        recorder.RecordBlobPull(blob);

        await Eventually.TrueAsync(async () => await ManifestPulledAtAsync(repo, manifest) is not null, Limit, "the interval's flush");
        await Eventually.TrueAsync(async () => await BlobPulledAtAsync(blob) is not null, Limit, "the blob's pull time");
        Assert.InRange((await ManifestPulledAtAsync(repo, manifest))!.Value, pulledAt, _clock.GetUtcNow());
        await recorder.StopAsync(CancellationToken.None);
    }

    [Fact] // and at shutdown: the pulls since the last flush are not lost with a silo that stops
    public async Task Pulls_waiting_when_the_silo_stops_are_written()
    {
        var (repo, manifest, _) = await StoredAsync();
        using var recorder = Recorder(db.DataSource, TimeSpan.FromHours(1));
        await recorder.StartAsync(CancellationToken.None);

        recorder.RecordManifestPull(repo, manifest);
        Assert.Null(await ManifestPulledAtAsync(repo, manifest));
        await recorder.StopAsync(CancellationToken.None);

        Assert.NotNull(await ManifestPulledAtAsync(repo, manifest));
    }

    [Fact] // bounded: when many keys are waiting the flush starts before its interval is up
    public async Task Many_waiting_pulls_are_written_before_the_interval()
    {
        var (repo, manifest, _) = await StoredAsync();
        using var recorder = Recorder(db.DataSource, TimeSpan.FromHours(1));
        await recorder.StartAsync(CancellationToken.None);

        recorder.RecordManifestPull(repo, manifest);
        for (var i = 0; i < PullTimeRecorder.FlushAtPending; i++) recorder.RecordBlobPull(NewDigest());

        await Eventually.TrueAsync(async () => await ManifestPulledAtAsync(repo, manifest) is not null, Limit, "an early flush");
        await recorder.StopAsync(CancellationToken.None);
    }

    [Fact] // a failed flush keeps its entries for the next one and logs one warning
    public async Task A_failed_flush_keeps_the_pulls_for_the_next_one()
    {
        // A database of its own: its table is broken for a moment.
        var connectionString = await db.Server.CreateDatabaseAsync("pull-times");
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        var index = new PostgresRegistryIndex(dataSource);
        var (repo, manifest) = (RepositoryName.Parse("pulls/broken"), NewDigest());
        await index.PutManifestAsync(repo, Manifest(manifest));
        using var recorder = Recorder(dataSource, TimeSpan.FromHours(1));
        recorder.RecordManifestPull(repo, manifest);

        await PostgresSql.ExecuteAsync(connectionString, "ALTER TABLE manifests RENAME COLUMN last_pulled_at TO pulled_elsewhere");
        Assert.False(await recorder.FlushAsync(CancellationToken.None));
        Assert.Single(_logger.At(LogLevel.Warning));
        await PostgresSql.ExecuteAsync(connectionString, "ALTER TABLE manifests RENAME COLUMN pulled_elsewhere TO last_pulled_at");

        Assert.True(await recorder.FlushAsync(CancellationToken.None));
        Assert.NotNull(await PostgresSql.ValueAsync(connectionString, "SELECT last_pulled_at FROM manifests"));
        Assert.Single(_logger.At(LogLevel.Warning));
    }

    private PullTimeRecorder Recorder(NpgsqlDataSource dataSource, TimeSpan interval) =>
        new(new PostgresPullTimes(dataSource), Options.Create(new RetentionOptions { PullTimeFlushInterval = interval }), _clock, _logger);

    private async Task<(RepositoryName Repository, Digest Manifest, Digest Blob)> StoredAsync()
    {
        var (repo, manifest, blob) = (RepositoryName.Parse($"t{Guid.NewGuid():N}/pulls"), NewDigest(), NewDigest());
        await _index.PutManifestAsync(repo, Manifest(manifest));
        await _index.CommitBlobAsync(blob, 1, _ => Task.CompletedTask);
        return (repo, manifest, blob);
    }

    private static ManifestWrite Manifest(Digest digest) =>
        new(digest, "application/vnd.oci.image.manifest.v1+json", "{}"u8.ToArray(), [], null, null, null);

    private Task<DateTimeOffset?> ManifestPulledAtAsync(RepositoryName repo, Digest digest) => PostgresSql.InstantAsync(db.ConnectionString,
        "SELECT last_pulled_at FROM manifests WHERE repository = @repo AND digest = @digest", ("repo", repo.Value), ("digest", digest.ToString()));

    private Task<DateTimeOffset?> BlobPulledAtAsync(Digest digest) =>
        PostgresSql.InstantAsync(db.ConnectionString, "SELECT last_pulled_at FROM blobs WHERE digest = @digest", ("digest", digest.ToString()));

    private static Digest NewDigest() => Digest.Parse($"sha256:{Guid.NewGuid():N}{Guid.NewGuid():N}");
}
