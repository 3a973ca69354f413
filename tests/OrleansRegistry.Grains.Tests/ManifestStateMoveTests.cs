using System.Text;
using Npgsql;
using Orleans.Storage;
using Orleans.TestingHost;
using Microsoft.Extensions.DependencyInjection;
using OrleansRegistry.Core;
using OrleansRegistry.Grains;
using OrleansRegistry.Grains.Abstractions;
using OrleansRegistry.Grains.Abstractions.Manifests;
using OrleansRegistry.Grains.Manifests;
using OrleansRegistry.Storage.Index;

namespace OrleansRegistry.Grains.Tests;

/// <summary>
/// Upgrading a registry whose manifests live only in Orleans grain state (before manifests were rows): at start the
/// silo moves each into its row before it serves, serves it as before, clears the old state and records 'manifests-as-rows'.
/// </summary>
public sealed class ManifestStateMoveTests
{
    private static readonly RepositoryName Repository = RepositoryName.Parse("upgrade/app");

    [Fact]
    public async Task A_fresh_database_records_the_move_at_the_first_start()
    {
        await using var cluster = await RegistryTestCluster.StartAsync(silos: 1);

        await WaitForUpgradeRecordAsync(cluster.ConnectionString);
    }

    [Fact] // the move is part of the silo's start: nothing is served (the HTTP front end starts after it) until it is done
    public async Task A_started_silo_has_already_recorded_that_every_manifest_is_a_row()
    {
        await using var cluster = await RegistryTestCluster.StartAsync(silos: 1);

        Assert.Equal(1L, await UpgradeRecordsAsync(cluster.ConnectionString));
    }

    [Fact]
    public async Task A_manifest_kept_in_grain_state_is_moved_into_its_row_at_start_and_still_served()
    {
        string connectionString;
        var layer = Digest.Compute("layer bytes"u8);
        var config = Digest.Compute("config bytes"u8);
        var manifest = Encoding.UTF8.GetBytes(
            $$"""{"schemaVersion":2,"mediaType":"{{MediaTypes.OciManifest}}","config":{"mediaType":"{{MediaTypes.OciConfig}}","digest":"{{config}}","size":12},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"{{layer}}","size":11}]}""");
        var digest = Digest.Compute(manifest);
        var content = new ManifestContent(digest, MediaTypes.OciManifest, manifest, null);

        // The registry before the upgrade: blobs linked, the tag in its table, the manifest only in grain state.
        await using (var before = await RegistryTestCluster.StartAsync(silos: 1))
        {
            connectionString = before.ConnectionString;
            await WaitForUpgradeRecordAsync(connectionString);
            await using var dataSource = NpgsqlDataSource.Create(connectionString);
            var index = new PostgresRegistryIndex(dataSource);
            foreach (var (blob, size) in new[] { (config, 12L), (layer, 11L) })
            {
                await index.CommitBlobAsync(blob, size, _ => Task.CompletedTask);
                Assert.True(await index.LinkBlobAsync(Repository, blob, size));
            }
            await index.PutTagAsync(Repository, Tag.Parse("v1"), digest);

            // Exactly the write the old grain's [PersistentState("manifest", "registry")] made.
            var storage = ((InProcessSiloHandle)before.Cluster.Silos[0]).SiloHost.Services
                .GetRequiredKeyedService<IGrainStorage>(RegistryStorage.Name);
            var grainId = before.Grains.Manifest(Repository, digest).GetGrainId();
            await storage.WriteStateAsync(ManifestStateMove.LegacyStateName, grainId,
                new GrainState<LegacyManifestState>(new LegacyManifestState { Content = content }));

            // A database of that version has no record of the move.
            await PostgresSql.ExecuteAsync(connectionString, "DELETE FROM storage_migrations");
        }

        await using var after = await RegistryTestCluster.StartAsync(silos: 1, connectionString: connectionString);
        await WaitForUpgradeRecordAsync(connectionString);

        var stored = await after.Grains.Manifest(Repository, digest).Get();
        Assert.NotNull(stored);
        Assert.Equal(manifest, stored.Bytes);
        Assert.Equal(MediaTypes.OciManifest, stored.MediaType);
        Assert.Equal(digest, await after.Grains.Repository(Repository).ResolveTag(Tag.Parse("v1")));

        await using var check = NpgsqlDataSource.Create(connectionString);
        var row = await new PostgresRegistryIndex(check).GetManifestAsync(Repository, digest);
        Assert.Equal(manifest, row!.Content);
        Assert.Equal(2L, await PostgresSql.ScalarAsync<long>(connectionString,
            $"SELECT count(*) FROM manifest_references WHERE manifest = '{digest}' AND kind = 'blob'"));
        Assert.Equal(0L, await PostgresSql.ScalarAsync<long>(connectionString,
            "SELECT count(*) FROM OrleansStorage WHERE graintypestring = 'manifest' AND payloadbinary IS NOT NULL"));

        // From now on it is an ordinary row: deleting it goes through the one transaction.
        Assert.True(await after.Grains.Manifest(Repository, digest).Delete());
        Assert.Null(await after.Grains.Repository(Repository).ResolveTag(Tag.Parse("v1")));
    }

    private static Task WaitForUpgradeRecordAsync(string connectionString) =>
        Eventually.SucceedsAsync(async () =>
        {
            Assert.Equal(1L, await UpgradeRecordsAsync(connectionString));
            return true;
        }, e => e is Xunit.Sdk.XunitException, TimeSpan.FromSeconds(30));

    private static Task<long> UpgradeRecordsAsync(string connectionString) =>
        PostgresSql.ScalarAsync<long>(connectionString,
            $"SELECT count(*) FROM storage_migrations WHERE name = '{ManifestStateMove.UpgradeName}'");
}
