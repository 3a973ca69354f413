using System.Collections.Concurrent;
using System.Diagnostics;
using OrleansRegistry.Core;
using OrleansRegistry.Storage.Collection;
using OrleansRegistry.Storage.Index;
using OrleansRegistry.TestSupport;

namespace OrleansRegistry.Storage.Tests.Collection;

/// <summary>
/// Pull times (sql/13-pull-times.sql) as the retention rule DeleteNotPulledFor reads them: a batch is written in one
/// round trip, a time only ever moves forward, and what is no longer stored is skipped (docs/garbage-collection.md).
/// </summary>
public sealed class PullTimesTests(PostgresDatabaseFixture db) : IClassFixture<PostgresDatabaseFixture>
{
    private const string ImageType = "application/vnd.oci.image.manifest.v1+json";
    private static readonly DateTimeOffset Noon = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly PostgresRegistryIndex _index = new(db.DataSource);
    private readonly PostgresPullTimes _pullTimes = new(db.DataSource);

    [Fact] // batched: never a database write per pull
    public async Task A_batch_of_manifest_and_blob_pulls_is_one_round_trip()
    {
        var repo = NewRepository();
        var manifests = new List<ManifestPull>();
        var blobs = new List<BlobPull>();
        for (var i = 0; i < 20; i++)
        {
            var (manifest, blob) = (NewDigest(), NewDigest());
            await PutManifestAsync(repo, manifest);
            await _index.CommitBlobAsync(blob, 1, _ => Task.CompletedTask);
            manifests.Add(new ManifestPull(repo, manifest, Noon));
            blobs.Add(new BlobPull(blob, Noon));
        }

        var commands = await CommandsSentAsync(() => _pullTimes.RecordAsync(manifests, blobs));

        Assert.Equal(1, commands);
        foreach (var pull in manifests) Assert.Equal(Noon, await ManifestPulledAtAsync(repo, pull.Digest));
        foreach (var pull in blobs) Assert.Equal(Noon, await BlobPulledAtAsync(pull.Digest));
    }

    [Fact] // only moving times forward: two silos' batches may arrive in any order
    public async Task A_pull_time_moves_only_forward_and_the_latest_of_a_batch_wins()
    {
        var repo = NewRepository();
        var (manifest, blob) = (NewDigest(), NewDigest());
        await PutManifestAsync(repo, manifest);
        await _index.CommitBlobAsync(blob, 1, _ => Task.CompletedTask);
        Assert.Null(await ManifestPulledAtAsync(repo, manifest)); // never pulled

        await _pullTimes.RecordAsync(
            [new ManifestPull(repo, manifest, Noon), new ManifestPull(repo, manifest, Noon.AddMinutes(5))],
            [new BlobPull(blob, Noon.AddMinutes(5)), new BlobPull(blob, Noon)]);
        Assert.Equal(Noon.AddMinutes(5), await ManifestPulledAtAsync(repo, manifest));
        Assert.Equal(Noon.AddMinutes(5), await BlobPulledAtAsync(blob));

        await _pullTimes.RecordAsync([new ManifestPull(repo, manifest, Noon.AddMinutes(1))], [new BlobPull(blob, Noon.AddMinutes(1))]);
        Assert.Equal(Noon.AddMinutes(5), await ManifestPulledAtAsync(repo, manifest));
        Assert.Equal(Noon.AddMinutes(5), await BlobPulledAtAsync(blob));

        await _pullTimes.RecordAsync([new ManifestPull(repo, manifest, Noon.AddHours(1))], []);
        Assert.Equal(Noon.AddHours(1), await ManifestPulledAtAsync(repo, manifest));
    }

    [Fact] // a manifest deleted (or a blob collected) since its pull: nothing to record, and the rest of the batch is written
    public async Task Pulls_of_what_is_no_longer_stored_are_skipped()
    {
        var repo = NewRepository();
        var manifest = NewDigest();
        await PutManifestAsync(repo, manifest);

        await _pullTimes.RecordAsync(
            [new ManifestPull(repo, NewDigest(), Noon), new ManifestPull(NewRepository(), manifest, Noon), new ManifestPull(repo, manifest, Noon)],
            [new BlobPull(NewDigest(), Noon)]);
        await _pullTimes.RecordAsync([], []);

        Assert.Equal(Noon, await ManifestPulledAtAsync(repo, manifest));
    }

    /// <summary>How many commands (round trips) <paramref name="action"/> sent to PostgreSQL, whatever other tests send meanwhile.</summary>
    private async Task<int> CommandsSentAsync(Func<Task> action)
    {
        await using (var warm = db.DataSource.CreateCommand("SELECT 1")) await warm.ExecuteScalarAsync(); // a pooled connection open
        using var source = new ActivitySource(nameof(PullTimesTests));
        var sent = new ConcurrentBag<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name is "Npgsql" or nameof(PullTimesTests),
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a => { if (a.Source.Name == "Npgsql") sent.Add(a); },
        };
        ActivitySource.AddActivityListener(listener);
        ActivityTraceId trace;
        using (var root = source.StartActivity("record")!)
        {
            trace = root.TraceId;
            await action();
        }
        return sent.Count(a => a.TraceId == trace);
    }

    private Task PutManifestAsync(RepositoryName repo, Digest digest) =>
        _index.PutManifestAsync(repo, new ManifestWrite(digest, ImageType, System.Text.Encoding.UTF8.GetBytes($"{{\"for\":\"{digest}\"}}"),
            [], null, null, null));

    private Task<DateTimeOffset?> ManifestPulledAtAsync(RepositoryName repo, Digest digest) => PostgresSql.InstantAsync(db.ConnectionString,
        "SELECT last_pulled_at FROM manifests WHERE repository = @repo AND digest = @digest", ("repo", repo.Value), ("digest", digest.ToString()));

    private Task<DateTimeOffset?> BlobPulledAtAsync(Digest digest) =>
        PostgresSql.InstantAsync(db.ConnectionString, "SELECT last_pulled_at FROM blobs WHERE digest = @digest", ("digest", digest.ToString()));

    private static RepositoryName NewRepository() => RepositoryName.Parse($"t{Guid.NewGuid():N}/pulls");

    private static Digest NewDigest() => Digest.Parse($"sha256:{Guid.NewGuid():N}{Guid.NewGuid():N}");
}
