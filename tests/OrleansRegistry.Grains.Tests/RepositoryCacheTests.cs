using OrleansRegistry.Core;
using OrleansRegistry.Grains.Abstractions;

namespace OrleansRegistry.Grains.Tests;

/// <summary>
/// The repository grain answers tag and blob lookups from activation memory (docs/architecture.md#grains), and reads interleave
/// with writes: a read that began before a write must never leave the old value cached after the write.
/// </summary>
public sealed class RepositoryCacheTests : IAsyncLifetime
{
    private RegistryTestCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await RegistryTestCluster.StartAsync<IndexGate.Configurator>(silos: 1);

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task A_tag_read_that_straddles_its_deletion_does_not_cache_the_deleted_tag()
    {
        var name = RepositoryName.Parse("grains/cache-delete");
        var tag = Tag.Parse("v1");
        var repo = _cluster.Grains.Repository(name);
        await repo.PutTag(tag, Digest.Compute("m1"u8));
        await _cluster.Grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero); // empty cache

        // The read gets the row from PostgreSQL, then its answer is held back while the delete runs to completion.
        var hold = IndexGate.Arm("GetTagAsync", name.Value);
        var read = repo.ResolveTag(tag);
        await hold.Entered.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(await repo.DeleteTag(tag));
        hold.Release();
        Assert.NotNull(await read); // it answers what it saw when it started

        Assert.Null(await repo.ResolveTag(tag)); // but never keeps serving it
    }

    [Fact] // a tag moves atomically (docs/architecture.md#consistency-rules): readers see the old or the new digest, and then the new one
    public async Task A_tag_read_that_straddles_a_move_serves_the_new_digest_afterwards()
    {
        var name = RepositoryName.Parse("grains/cache-move");
        var tag = Tag.Parse("latest");
        var (old, moved) = (Digest.Compute("old"u8), Digest.Compute("new"u8));
        var repo = _cluster.Grains.Repository(name);
        await repo.PutTag(tag, old);
        await _cluster.Grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);

        var hold = IndexGate.Arm("GetTagAsync", name.Value);
        var read = repo.ResolveTag(tag);
        await hold.Entered.WaitAsync(TimeSpan.FromSeconds(10));
        await repo.PutTag(tag, moved);
        hold.Release();
        Assert.Contains(await read, new Digest?[] { old, moved });

        Assert.Equal(moved, await repo.ResolveTag(tag));
    }
}
