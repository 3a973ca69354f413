using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Storage;
using OrleansRegistry.Core;
using OrleansRegistry.Grains.Abstractions;
using OrleansRegistry.Storage.Index;

namespace OrleansRegistry.Grains.Manifests;

/// <summary>
/// Moves manifests pushed before manifests became rows (kept only in Orleans grain state "manifest") into the
/// `manifests` table: for each, it writes the row (with its references; its tags and referrer entry were tables
/// already) and clears the state. Once none is left it records the index upgrade 'manifests-as-rows'
/// (storage_migrations; a fresh database: at the first run). It runs before the silo serves
/// (<see cref="ManifestStateMoveAtStart"/>), so no manifest grain ever looks at grain state.
/// </summary>
public sealed class ManifestStateMove(
    IRegistryIndex index,
    IGrainFactory grains,
    IServiceProvider services,
    IOptions<ClusterOptions> cluster,
    IOptions<ManifestLimits> limits,
    ILogger<ManifestStateMove> logger)
{
    /// <summary>The index upgrade recorded once every manifest is a row; the collector sweeps no blob before it.</summary>
    public const string UpgradeName = "manifests-as-rows";

    /// <summary>The state name the manifest grain persisted under (its old [PersistentState("manifest", …)]).</summary>
    public const string LegacyStateName = "manifest";

    private const int BatchSize = 200;

    private IGrainStorage Storage => services.GetRequiredKeyedService<IGrainStorage>(RegistryStorage.Name);

    /// <summary>
    /// Moves every manifest still in grain state and records the upgrade once none is left. Returns how many it
    /// moved; safe to run on every silo at once (a manifest moved twice gets the same row, and its state is cleared once).
    /// </summary>
    public async Task<int> RunAsync(CancellationToken ct)
    {
        if (await index.IsIndexUpgradeCompleteAsync(UpgradeName, ct)) return 0;

        var serviceId = cluster.Value.ServiceId;
        var moved = 0;
        string? after = null;
        while (await index.ListGrainStateKeysAsync(serviceId, LegacyStateName, after, BatchSize, ct) is { Count: > 0 } keys)
        {
            foreach (var key in keys)
            {
                ct.ThrowIfCancellationRequested();
                if (await MoveAsync(key, ct)) moved++;
            }
            after = keys[^1];
        }

        // Recorded only when a fresh look finds nothing left (a key that failed above keeps it incomplete).
        if ((await index.ListGrainStateKeysAsync(serviceId, LegacyStateName, null, 1, ct)).Count > 0)
            throw new InvalidOperationException("manifests remain in grain state after moving them into rows");
        await index.CompleteIndexUpgradeAsync(UpgradeName, ct);
        if (moved > 0) logger.LogInformation("Moved {Count} manifests from grain state into rows; {Upgrade} complete", moved, UpgradeName);
        return moved;
    }

    /// <summary>Moves the old grain state of the manifest grain with key <paramref name="key"/> into its row; false when it had none.</summary>
    private async Task<bool> MoveAsync(string key, CancellationToken ct)
    {
        var (repository, digest) = RegistryGrains.ParseManifestKey(key);
        var grain = grains.Manifest(repository, digest).GetGrainId();
        var state = new GrainState<LegacyManifestState>();
        await Storage.ReadStateAsync(LegacyStateName, grain, state);
        if (state.State?.Content is not { } content) return false;

        ManifestWrite write;
        try
        {
            write = ManifestRowMapping.ToWrite(digest, ManifestParser.Parse(content.MediaType, content.Bytes, limits.Value), content.Bytes, tag: null);
        }
        catch (RegistryException e)
        {
            // Accepted when it was pushed but not under today's limits: kept and served, with no references recorded.
            logger.LogWarning(e, "Manifest {Repository}@{Digest} no longer parses; moved without references", repository, digest);
            write = new ManifestWrite(digest, content.MediaType, content.Bytes, [], null, content.Subject, null);
        }

        // Stored as it was: what it references was checked when it was pushed.
        await index.PutManifestAsync(repository, write with { RequireReferences = false }, ct);
        try
        {
            await Storage.ClearStateAsync(LegacyStateName, grain, state);
        }
        catch (InconsistentStateException)
        {
            // Another silo moved the same state first and cleared it: the row it wrote is this one.
            return false;
        }
        logger.LogInformation("Moved manifest {Repository}@{Digest} from grain state into its row", repository, digest);
        return true;
    }
}
