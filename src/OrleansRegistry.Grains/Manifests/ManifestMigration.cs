using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Storage;
using OrleansRegistry.Core;
using OrleansRegistry.Grains.Abstractions;
using OrleansRegistry.Grains.Abstractions.Manifests;
using OrleansRegistry.Storage.Index;

namespace OrleansRegistry.Grains.Manifests;

/// <summary>
/// Moves manifests pushed before manifests became rows (kept only in Orleans grain state "manifest") into the
/// `manifests` table. The rule: a manifest grain that finds no row while the migration is incomplete reads its old
/// grain state, writes the row (with its references; its tags and referrer entry were tables already) and clears the
/// state. <see cref="RunAsync"/> activates every grain that still has such state, and once none is left records
/// 'manifests-as-rows' in storage_migrations (a fresh database: at the first run); from then on no grain looks.
/// </summary>
public sealed class ManifestMigration(
    IRegistryIndex index,
    IServiceProvider services,
    IOptions<ClusterOptions> cluster,
    IOptions<ManifestLimits> limits,
    ILogger<ManifestMigration> logger)
{
    public const string Name = "manifests-as-rows";

    /// <summary>The state name the manifest grain persisted under (its old [PersistentState("manifest", …)]).</summary>
    public const string LegacyStateName = "manifest";

    private const int BatchSize = 200;
    private volatile bool _complete;

    /// <summary>True once this silo has seen the migration recorded as complete.</summary>
    public bool IsComplete => _complete;

    private IGrainStorage Storage => services.GetRequiredKeyedService<IGrainStorage>(RegistryStorage.Name);

    /// <summary>
    /// Called by the manifest grain <paramref name="grain"/> that has no row: moves its old grain state into the row
    /// and clears the state; the stored content, or null when it had none.
    /// </summary>
    public async Task<ManifestContent?> MoveFromGrainStateAsync(GrainId grain, RepositoryName repository, Digest digest)
    {
        var state = new GrainState<LegacyManifestState>();
        await Storage.ReadStateAsync(LegacyStateName, grain, state);
        if (state.State?.Content is not { } content) return null;

        ManifestWrite write;
        try
        {
            write = ManifestRowMapping.ToWrite(digest, ManifestParser.Parse(content.MediaType, content.Bytes, limits.Value), content.Bytes, tag: null);
        }
        catch (RegistryException e)
        {
            // Accepted when it was pushed but not under today's limits: kept and served, with no references recorded.
            logger.LogWarning(e, "Manifest {Repository}@{Digest} no longer parses; moved without references", repository, digest);
            write = new ManifestWrite(digest.ToString(), content.MediaType, content.Bytes, [], null, content.Subject?.ToString(), null);
        }

        // Stored as it was: what it references was checked when it was pushed.
        var result = await index.PutManifestAsync(repository.Value, write with { RequireReferences = false });
        await Storage.ClearStateAsync(LegacyStateName, grain, state);
        logger.LogInformation("Moved manifest {Repository}@{Digest} from grain state into its row", repository, digest);
        return ManifestRowMapping.ToContent(result.Stored!);
    }

    /// <summary>
    /// Moves every manifest still in grain state (through its grain) and records the migration once none is left.
    /// Returns how many grains it activated; safe to run on every silo at once (each grain moves itself once).
    /// </summary>
    public async Task<int> RunAsync(IGrainFactory grains, CancellationToken ct)
    {
        if (_complete || await index.IsStorageMigrationCompleteAsync(Name, ct))
        {
            _complete = true;
            return 0;
        }

        var serviceId = cluster.Value.ServiceId;
        var moved = 0;
        string? after = null;
        while (await index.ListGrainStateKeysAsync(serviceId, LegacyStateName, after, BatchSize, ct) is { Count: > 0 } keys)
        {
            foreach (var key in keys)
            {
                ct.ThrowIfCancellationRequested();
                var (repository, digest) = RegistryGrains.ParseManifestKey(key);
                await grains.Manifest(repository, digest).Get();
                moved++;
            }
            after = keys[^1];
        }

        // Recorded only when a fresh look finds nothing left (a key that failed above keeps it incomplete).
        if ((await index.ListGrainStateKeysAsync(serviceId, LegacyStateName, null, 1, ct)).Count > 0)
            throw new InvalidOperationException("manifests remain in grain state after the backfill");
        await index.CompleteStorageMigrationAsync(Name, ct);
        _complete = true;
        if (moved > 0) logger.LogInformation("Moved {Count} manifests from grain state into rows; {Migration} complete", moved, Name);
        return moved;
    }
}
