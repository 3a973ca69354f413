using OrleansRegistry.Core;
using OrleansRegistry.Grains.Abstractions;
using OrleansRegistry.Grains.Abstractions.Uploads;

namespace OrleansRegistry.Grains.Tests;

/// <summary>The upload state machine (docs/architecture.md#upload-state-machine) at grain level: the writer lease and its timeout, and idle collection.</summary>
public sealed class UploadSessionGrainTests : IAsyncLifetime
{
    private static readonly TimeSpan LeaseTimeout = TimeSpan.FromMilliseconds(500);
    private static readonly RepositoryName Repo = RepositoryName.Parse("grains/uploads");
    private RegistryTestCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await RegistryTestCluster.StartAsync(silos: 1, writerLeaseTimeout: LeaseTimeout);

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact] // spec: "Pushing a blob in chunks" — one writer at a time; a second gets 416 RANGE_INVALID
    public async Task A_held_lease_refuses_a_second_writer_until_it_times_out_then_the_first_writer_is_refused()
    {
        var session = await OpenAsync();
        var first = await session.BeginWrite(Repo, 0, owner: null);

        var refused = await Assert.ThrowsAsync<RegistryException>(() => session.BeginWrite(Repo, 0, owner: null));
        Assert.Same(ErrorCatalog.RangeInvalid, refused.Descriptor);

        // A writer that holds the lease past the timeout is presumed dead (its silo crashed): the lease is taken over.
        var second = await Eventually.SucceedsAsync(() => session.BeginWrite(Repo, 0, owner: null), e => e is RegistryException, TimeSpan.FromSeconds(10));
        Assert.NotEqual(first.LeaseId, second.LeaseId);

        var late = await Assert.ThrowsAsync<RegistryException>(() => session.CompleteWrite(first.LeaseId, 10, null, null));
        Assert.Same(ErrorCatalog.BlobUploadInvalid, late.Descriptor);
        Assert.Equal(5, (await session.CompleteWrite(second.LeaseId, 5, null, null)).Offset);
    }

    [Fact]
    public async Task The_offset_hash_state_and_store_state_move_together_and_come_back_with_the_next_lease()
    {
        var session = await OpenAsync();
        var lease = await session.BeginWrite(Repo, 0, owner: null);
        Assert.Equal(Digest.Sha256, lease.Algorithm);
        Assert.Null(lease.HashState);
        Assert.Null(lease.StoreResume); // what the filesystem store's new upload needs

        byte[] state = [1, 2, 3, 4];
        byte[] resume = [9, 8];
        await session.CompleteWrite(lease.LeaseId, 4, state, resume);
        var next = await session.BeginWrite(Repo, 4, owner: null);
        Assert.Equal(4, next.Offset);
        Assert.Equal(state, next.HashState);
        Assert.Equal(resume, next.StoreResume);

        // An empty chunk that moved only the store's state (S3: a buffered tail written out) is persisted as well.
        byte[] moved = [7];
        await session.CompleteWrite(next.LeaseId, 4, state, moved);
        await _cluster.Grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
        var reloaded = await session.BeginWrite(Repo, 4, owner: null);
        Assert.Equal(moved, reloaded.StoreResume);
        await session.AbortWrite(reloaded.LeaseId);

        var wrongStart = await Assert.ThrowsAsync<RegistryException>(() => session.BeginWrite(Repo, 3, owner: null));
        Assert.Same(ErrorCatalog.RangeInvalid, wrongStart.Descriptor);
    }

    [Fact] // a long chunk makes no grain call until it ends; idle collection must not drop the lease meanwhile
    public async Task Idle_collection_in_the_middle_of_a_chunk_keeps_the_lease()
    {
        var session = await OpenAsync();
        var lease = await session.BeginWrite(Repo, 0, owner: null);

        var management = _cluster.Grains.GetGrain<IManagementGrain>(0);
        await management.ForceActivationCollection(TimeSpan.Zero);

        Assert.Equal(7, (await session.CompleteWrite(lease.LeaseId, 7, null, null)).Offset);

        // Without a lease the activation is ordinary: collected, and the next call reloads offset from PostgreSQL.
        await management.ForceActivationCollection(TimeSpan.Zero);
        Assert.Equal(7, (await session.GetStatus(Repo, owner: null)).Offset);
    }

    [Fact]
    public async Task Cancel_removes_the_data_and_the_session()
    {
        var id = Guid.NewGuid();
        var session = _cluster.Grains.UploadSession(id);
        await session.Open(Repo, Digest.Sha256, owner: null, identity: null);
        Assert.True(await _cluster.HasUploadDataAsync(id));

        await session.Cancel(Repo, owner: null);

        Assert.False(await _cluster.HasUploadDataAsync(id));
        var gone = await Assert.ThrowsAsync<RegistryException>(() => session.GetStatus(Repo, owner: null));
        Assert.Same(ErrorCatalog.BlobUploadUnknown, gone.Descriptor);
    }

    private async Task<IUploadSessionGrain> OpenAsync()
    {
        var session = _cluster.Grains.UploadSession(Guid.NewGuid());
        await session.Open(Repo, Digest.Sha256, owner: null, identity: null);
        return session;
    }
}
