using OrleansRegistry.Core;
using OrleansRegistry.Grains.Abstractions;
using OrleansRegistry.Grains.Abstractions.Uploads;

namespace OrleansRegistry.Grains.Tests;

/// <summary>
/// Concurrent upload sessions per identity (<c>Registry:Limits:MaxUploadSessionsPerIdentity</c>) at grain level, on two silos: the session grain admits
/// at Open through one quota grain per identity, cluster-wide, and releases at finish, cancel and expiry; a refused
/// open creates nothing; the count survives idle collection; an entry whose release never came ages out with the
/// upload expiry.
/// </summary>
public sealed class UploadQuotaTests : IAsyncLifetime
{
    private const int Limit = 2;
    private static readonly RepositoryName Repo = RepositoryName.Parse("grains/quota");
    private RegistryTestCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await RegistryTestCluster.StartAsync(silos: 2, maxUploadSessionsPerIdentity: Limit);

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task One_session_over_the_limit_is_refused_with_TOOMANYREQUESTS_and_creates_nothing_while_others_are_served()
    {
        for (var i = 0; i < Limit; i++) await OpenAsync("alice");

        var refusedId = Guid.NewGuid();
        var refused = await Assert.ThrowsAsync<RegistryException>(() => Open(refusedId, "alice"));
        Assert.Same(ErrorCatalog.TooManyRequests, refused.Descriptor);
        Assert.True(refused.Detail!.Value.GetProperty("retryAfter").GetInt32() >= 1);
        Assert.Equal(Limit, refused.Detail!.Value.GetProperty("limit").GetInt32());
        // Nothing of the refused session exists: no data, no session.
        Assert.False(await _cluster.HasUploadDataAsync(refusedId));
        var unknown = await Assert.ThrowsAsync<RegistryException>(() => _cluster.Grains.UploadSession(refusedId).GetStatus(Repo, "alice"));
        Assert.Same(ErrorCatalog.BlobUploadUnknown, unknown.Descriptor);

        // Another identity, and sessions counted against no one, are still served.
        for (var i = 0; i < Limit; i++) await OpenAsync("bob");
        for (var i = 0; i < Limit + 1; i++) await _cluster.Grains.UploadSession(Guid.NewGuid()).Open(Repo, Digest.Sha256, owner: null, identity: null);
    }

    [Fact]
    public async Task Cancel_finish_and_expiry_each_free_a_slot()
    {
        var cancelled = await OpenAsync("carol");
        var finished = await OpenAsync("carol");
        await AssertRefusedAsync("carol");

        await cancelled.Cancel(Repo, "carol");
        var expiring = await OpenAsync("carol");
        await AssertRefusedAsync("carol");

        var lease = await finished.BeginWrite(Repo, 0, "carol");
        await finished.Finish(lease.LeaseId, Digest.Parse("sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"), 0, lease.StoreResume);
        await OpenAsync("carol");
        await AssertRefusedAsync("carol");

        Assert.True(await expiring.ExpireIfIdle(DateTimeOffset.UtcNow.AddDays(1)));
        await OpenAsync("carol");
        await AssertRefusedAsync("carol");
    }

    [Fact] // the open sessions live in the quota grain's memory: idle collection must not forget them
    public async Task Idle_collection_does_not_forget_the_open_sessions()
    {
        for (var i = 0; i < Limit; i++) await OpenAsync("dave");
        await _cluster.Grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
        await AssertRefusedAsync("dave");
    }

    [Fact] // a call retried after a silo loss (TransientGrainCallRetry) must count once
    public async Task Admission_and_release_are_idempotent_per_upload()
    {
        var quota = _cluster.Grains.UploadQuota("frank");
        var first = Guid.NewGuid();
        await quota.Admit(first);
        await quota.Admit(first);
        await quota.Admit(Guid.NewGuid());
        var last = Guid.NewGuid();
        await Assert.ThrowsAsync<RegistryException>(() => quota.Admit(last));

        await quota.Release(Guid.NewGuid()); // an id it never admitted (or forgot): nothing changes
        await Assert.ThrowsAsync<RegistryException>(() => quota.Admit(last));
        await quota.Release(first);
        await quota.Release(first);
        await quota.Admit(last);
        await Assert.ThrowsAsync<RegistryException>(() => quota.Admit(Guid.NewGuid()));
    }

    [Fact] // a release that never came (its call failed) must not hold the slot for ever
    public async Task An_entry_whose_release_was_lost_ages_out_with_the_upload_expiry()
    {
        await using var cluster = await RegistryTestCluster.StartAsync(silos: 1, uploadExpiry: TimeSpan.FromSeconds(5), maxUploadSessionsPerIdentity: 1);
        var quota = cluster.Grains.UploadQuota("erin");
        await quota.Admit(Guid.NewGuid()); // a session whose release is lost
        var refused = await Assert.ThrowsAsync<RegistryException>(() => quota.Admit(Guid.NewGuid()));
        Assert.Same(ErrorCatalog.TooManyRequests, refused.Descriptor);

        // Once the lost entry is older than the expiry, a new session is admitted.
        await Eventually.SucceedsAsync(async () => { await quota.Admit(Guid.NewGuid()); return true; },
            e => e is RegistryException { Descriptor.Code: "TOOMANYREQUESTS" }, TimeSpan.FromSeconds(60));
    }

    private Task<UploadStatus> Open(Guid id, string identity) =>
        _cluster.Grains.UploadSession(id).Open(Repo, Digest.Sha256, identity, identity);

    private async Task<IUploadSessionGrain> OpenAsync(string identity)
    {
        var id = Guid.NewGuid();
        await Open(id, identity);
        return _cluster.Grains.UploadSession(id);
    }

    private async Task AssertRefusedAsync(string identity)
    {
        var refused = await Assert.ThrowsAsync<RegistryException>(() => Open(Guid.NewGuid(), identity));
        Assert.Same(ErrorCatalog.TooManyRequests, refused.Descriptor);
    }
}
