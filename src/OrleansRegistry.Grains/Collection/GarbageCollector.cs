using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansRegistry.Core;
using OrleansRegistry.Grains.Abstractions;
using OrleansRegistry.Grains.Manifests;
using OrleansRegistry.Storage.Blobs;
using OrleansRegistry.Storage.Collection;
using OrleansRegistry.Storage.Index;

namespace OrleansRegistry.Grains.Collection;

/// <summary>
/// Online mark and sweep over the tables, never a walk of the blob store, while pushes go on. One run, under the
/// cluster-wide collector lock:
/// <list type="number">
/// <item>finish the blobs a killed run left marked <c>deleting</c>;</item>
/// <item>retention, per repository with a rule: tags to delete, then untagged manifests (through
/// <c>IManifestGrain.DeleteUnreferenced</c>), then manifests not pulled for long, tagged or not (through
/// <c>IManifestGrain.DeleteNotPulled</c>), each grain re-checking under its row lock, pass after pass so that an index's
/// children and a subject's referrers follow it;</item>
/// <item>blobs no manifest references and not linked within the grace period, in batches of two transactions (unlink
/// and mark; the repositories that linked them forget them; then delete the bytes and the rows under the row locks).</item>
/// </list>
/// A dry run makes the same queries, counting its own decisions as made, and writes nothing.
/// </summary>
public sealed class GarbageCollector(
    ICollectorRuns runs,
    IGarbageQueries garbage,
    IRegistryIndex index,
    IBlobStore store,
    IGrainFactory grains,
    RetentionRules retention,
    IOptions<GarbageCollectionOptions> options,
    CollectionMetrics metrics,
    StorageUsageMonitor usage,
    TimeProvider clock,
    ILogger<GarbageCollector> logger)
{
    private const int PageSize = 500;
    private const int ManifestPageSize = 1000;

    /// <summary>Blobs unlinked (and then deleted) per transaction: two commits per batch instead of two per blob.</summary>
    private const int MaxBatchSize = 100;

    /// <summary>Passes of a manifest rule per repository and run: each may free the children of the manifests the last one deleted.</summary>
    private const int MaxManifestPasses = 64;

    private static readonly JsonSerializerOptions ReportJson = new(JsonSerializerDefaults.Web);

    /// <summary>Runs a collection now; <see cref="CollectorBusyException"/> when another one holds the lock.</summary>
    public async Task<GarbageCollectionReport> RunAsync(bool dryRun, CancellationToken ct)
    {
        await using var held = await runs.TryLockCollectorAsync(ct) ?? throw new CollectorBusyException();
        return await RunLockedAsync(dryRun, ct);
    }

    /// <summary>The schedule's run: only when the lock is free and no real run finished within the interval.</summary>
    public async Task<GarbageCollectionReport?> RunIfDueAsync(CancellationToken ct)
    {
        await using var held = await runs.TryLockCollectorAsync(ct);
        if (held is null) return null;
        // Read under the lock: a run that finished while this silo waited is seen.
        if (await runs.LastRunFinishedAsync(ct) is { } last && clock.GetUtcNow() - last < options.Value.Interval) return null;
        return await RunLockedAsync(dryRun: false, ct);
    }

    private async Task<GarbageCollectionReport> RunLockedAsync(bool dryRun, CancellationToken ct)
    {
        var startedAt = clock.GetUtcNow();
        var watch = Stopwatch.StartNew();
        var tally = new CollectionTally(dryRun, startedAt);
        logger.LogInformation("Garbage collection started (dry run: {DryRun})", dryRun);

        await FinishDeletingAsync(tally, ct);
        var goneManifests = await ApplyRetentionAsync(tally, ct);
        // Manifests still kept only in old grain state have no reference rows yet: their blobs would look unreferenced.
        if (await index.IsIndexUpgradeCompleteAsync(ManifestStateMove.UpgradeName, ct)) await SweepBlobsAsync(tally, goneManifests, ct);
        else
        {
            tally.BlobSweepSkipped = true;
            logger.LogWarning("Garbage collection skipped the blob sweep: manifests pushed before the upgrade are still being moved into their table");
        }

        var report = tally.Report(watch.Elapsed);
        await runs.RecordRunAsync(startedAt, dryRun, $"{Environment.MachineName}:{Environment.ProcessId}",
            JsonSerializer.Serialize(report, ReportJson), ct);
        metrics.RunFinished(report);
        logger.LogInformation(
            "Garbage collection finished (dry run: {DryRun}) in {Seconds} s: {Tags} tags, {Manifests} manifests, {Blobs} blobs, {Bytes} bytes",
            dryRun, report.DurationSeconds, report.TagsDeleted, report.ManifestsDeleted, report.BlobsDeleted, report.BytesReclaimed);
        try { await usage.RefreshAsync(ct); }
        catch (Exception e) when (!ct.IsCancellationRequested) { logger.LogWarning(e, "Reading storage usage after the collection failed"); }
        return report;
    }

    /// <summary>A killed run may have unlinked blobs and marked them deleting without deleting their bytes: finish them first.</summary>
    private async Task FinishDeletingAsync(CollectionTally tally, CancellationToken ct)
    {
        var seen = new HashSet<Digest>();
        while (true)
        {
            var left = (await garbage.ListDeletingBlobsAsync(PageSize, ct)).Where(b => seen.Add(b.Digest)).ToList();
            if (left.Count == 0) return;
            if (tally.DryRun)
            {
                foreach (var blob in left) Deleted(tally, blob, "left deleting by an earlier run");
                continue;
            }
            foreach (var batch in left.Chunk(BatchSize))
                foreach (var blob in await DeleteBytesAsync(batch.Select(b => b.Digest).ToList(), ct))
                {
                    Deleted(tally, blob, "left deleting by an earlier run");
                    await PauseAsync(ct);
                }
        }
    }

    /// <summary>Applies the retention rules; returns the manifests a dry run decided to delete (a real run: none left).</summary>
    private async Task<List<ManifestKey>> ApplyRetentionAsync(CollectionTally tally, CancellationToken ct)
    {
        var goneManifests = new List<ManifestKey>();
        if (retention.IsEmpty) return goneManifests;
        string? last = null;
        while (true)
        {
            var repositories = await index.ListRepositoriesAsync(last, PageSize, ct);
            if (repositories.Count == 0) return goneManifests;
            last = repositories[^1].Value;
            foreach (var repository in repositories)
                if (retention.For(repository) is { } rule)
                    await ApplyRuleAsync(repository, rule, tally, goneManifests, ct);
        }
    }

    private async Task ApplyRuleAsync(RepositoryName repository, RetentionRule rule, CollectionTally tally, List<ManifestKey> goneManifests,
        CancellationToken ct)
    {
        var now = await garbage.DatabaseNowAsync(ct);
        var goneTags = new List<Tag>();

        var tags = await garbage.ListExpiredTagsAsync(repository, rule.KeepNewestTags, now - rule.DeleteTagsOlderThan, ct);
        foreach (var tag in tags)
        {
            if (!tally.DryRun)
            {
                // Only if it still points where it did: a tag pushed again since the query is the newest now.
                if (!await garbage.DeleteTagIfUnchangedAsync(repository, tag, ct)) continue;
                await grains.Repository(repository).TagsRemoved([tag.Tag]);
            }
            logger.LogInformation("Garbage collection {Action} tag {Repository}:{Tag} ({Digest}, last pushed {UpdatedAt:O}) by retention rule {Pattern}",
                tally.DryRun ? "would delete" : "deleted", repository, tag.Tag, tag.Digest, tag.UpdatedAt, rule.Repository);
            tally.Tag(repository, tag.Tag);
            goneTags.Add(tag.Tag);
            await PauseAsync(tally, ct);
        }

        var goneHere = new List<Digest>();
        if (rule.DeleteUntaggedOlderThan is { } untaggedAge)
        {
            var createdBefore = now - untaggedAge;
            await DeleteManifestsAsync(repository, rule, "untagged manifest", tally, goneHere,
                after => garbage.ListUnreferencedManifestsAsync(repository, createdBefore,
                    tally.DryRun ? goneTags : [], tally.DryRun ? goneHere : [], after, ManifestPageSize, ct),
                digest => grains.Manifest(repository, digest).DeleteUnreferenced(createdBefore), ct);
        }
        if (rule.DeleteNotPulledFor is { } notPulledAge)
        {
            // Tagged ones too: the grain tells the repository grain which tags went with it.
            var usedBefore = now - notPulledAge;
            await DeleteManifestsAsync(repository, rule, "manifest not pulled", tally, goneHere,
                after => garbage.ListNotPulledManifestsAsync(repository, usedBefore, tally.DryRun ? goneHere : [], after,
                    ManifestPageSize, ct),
                digest => grains.Manifest(repository, digest).DeleteNotPulled(usedBefore), ct);
        }
        if (tally.DryRun) goneManifests.AddRange(goneHere.Select(d => new ManifestKey(repository, d)));
    }

    /// <summary>
    /// One manifest rule in one repository: pages of candidates (<paramref name="list"/>, after a digest), each deleted
    /// through its grain (<paramref name="delete"/>, which re-checks under the row lock), pass after pass while a pass
    /// deletes any: deleting an index frees its children, deleting a subject its referrers.
    /// </summary>
    private async Task DeleteManifestsAsync(RepositoryName repository, RetentionRule rule, string what, CollectionTally tally,
        List<Digest> goneHere, Func<Digest?, Task<IReadOnlyList<Digest>>> list, Func<Digest, Task<bool>> delete, CancellationToken ct)
    {
        for (var pass = 0; pass < MaxManifestPasses; pass++)
        {
            var deleted = 0;
            Digest? after = null;
            while (true)
            {
                var candidates = await list(after);
                if (candidates.Count == 0) break;
                after = candidates[^1];
                foreach (var candidate in candidates)
                {
                    ct.ThrowIfCancellationRequested();
                    if (!tally.DryRun && !await delete(candidate)) continue;
                    logger.LogInformation("Garbage collection {Action} {What} {Repository}@{Digest} by retention rule {Pattern}",
                        tally.DryRun ? "would delete" : "deleted", what, repository, candidate, rule.Repository);
                    tally.Manifest(repository, candidate);
                    goneHere.Add(candidate);
                    deleted++;
                    await PauseAsync(tally, ct);
                }
            }
            if (deleted == 0) break;
        }
    }

    private async Task SweepBlobsAsync(CollectionTally tally, List<ManifestKey> goneManifests, CancellationToken ct)
    {
        // One cutoff for the whole sweep, in the database's clock (last_linked_at is its now()): a blob uploaded or
        // linked after the mark started is never swept by this run, whatever the grace period.
        var linkedBefore = await garbage.DatabaseNowAsync(ct) - options.Value.GracePeriod;
        Digest? after = null;
        while (true)
        {
            var candidates = await garbage.ListGarbageBlobsAsync(linkedBefore, after, PageSize, goneManifests, ct);
            if (candidates.Count == 0) return;
            after = candidates[^1].Digest;
            if (tally.DryRun)
            {
                foreach (var blob in candidates) Deleted(tally, blob, "unreferenced");
                continue;
            }
            foreach (var batch in candidates.Chunk(BatchSize))
            {
                var unlinked = await garbage.UnlinkGarbageBlobsAsync(batch.Select(b => b.Digest).ToList(), linkedBefore, ct);
                if (unlinked.Count == 0) continue;
                // The links are gone from the tables; the repositories' caches forget them before the bytes go.
                await Task.WhenAll(unlinked.SelectMany(b => b.Repositories.Select(r => (Repository: r, b.Digest)))
                    .GroupBy(l => l.Repository)
                    .Select(g => grains.Repository(g.Key).ForgetBlobs(g.Select(l => l.Digest).ToArray())));
                var linkedFrom = unlinked.ToDictionary(b => b.Digest, b => b.Repositories);
                foreach (var blob in await DeleteBytesAsync(unlinked.Select(b => b.Digest).ToList(), ct))
                {
                    var repositories = linkedFrom[blob.Digest];
                    Deleted(tally, blob, repositories.Count == 0 ? "unreferenced, linked nowhere"
                        : $"unreferenced, unlinked from {string.Join(", ", repositories)}");
                    await PauseAsync(ct);
                }
            }
        }
    }

    // Throttled (a pause after each deletion), one blob per transaction, so no row lock is held across a pause.
    private int BatchSize => options.Value.PauseBetweenDeletes > TimeSpan.Zero ? 1 : MaxBatchSize;

    private Task<IReadOnlyList<BlobRecord>> DeleteBytesAsync(IReadOnlyList<Digest> digests, CancellationToken ct) =>
        garbage.DeleteUnlinkedBlobsAsync(digests, async (digest, c) => await store.DeleteAsync(digest, c), ct);

    private void Deleted(CollectionTally tally, BlobRecord blob, string why)
    {
        logger.LogInformation("Garbage collection {Action} blob {Digest} ({Size} bytes): {Why}",
            tally.DryRun ? "would delete" : "deleted", blob.Digest, blob.Size, why);
        tally.Blob(blob.Digest, blob.Size);
    }

    private Task PauseAsync(CollectionTally tally, CancellationToken ct) => tally.DryRun ? Task.CompletedTask : PauseAsync(ct);

    private Task PauseAsync(CancellationToken ct) =>
        options.Value.PauseBetweenDeletes > TimeSpan.Zero ? Task.Delay(options.Value.PauseBetweenDeletes, clock, ct) : Task.CompletedTask;
}
