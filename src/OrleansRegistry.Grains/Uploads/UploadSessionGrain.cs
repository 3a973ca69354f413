using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansRegistry.Core;
using OrleansRegistry.Grains.Abstractions;
using OrleansRegistry.Grains.Abstractions.Uploads;
using OrleansRegistry.Storage.Blobs;
using OrleansRegistry.Storage.Index;

namespace OrleansRegistry.Grains.Uploads;

/// <summary>
/// The upload state machine (docs/architecture.md#upload-state-machine) and the owner of the upload's data: created at Open, appended only
/// under the lease (one writer at a time, at the committed offset), committed at Finish, deleted at Cancel or expiry.
/// Finished and cancelled sessions delete their row, so they answer BLOB_UPLOAD_UNKNOWN from then on.
/// Placed on the silo whose front end opened the upload: the usual upload (POST, PATCH…, PUT on one connection)
/// then makes no cross-silo grain call at all.
/// </summary>
[Orleans.Placement.PreferLocalPlacement]
public sealed class UploadSessionGrain(
    [PersistentState("upload", RegistryStorage.Name)] IPersistentState<UploadSessionState> state,
    IRegistryIndex index,
    IBlobStore blobs,
    IGrainFactory grains,
    IOptions<UploadOptions> options,
    IOptions<UploadQuotaOptions> quota,
    TimeProvider clock,
    ILogger<UploadSessionGrain> logger) : Grain, IUploadSessionGrain
{
    // After the commit the bytes live under their digest and the upload's own data is gone, so a link that failed for
    // good would lose the upload: a transient failure (a dropped database connection, a silo restarting) is retried.
    private static readonly TimeSpan[] LinkRetryDelays = [TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(2)];

    // The lease is deliberately not persisted: if this activation's silo dies, so did any writer it knew about.
    private Guid? _lease;
    private DateTimeOffset _leaseTakenAt;

    private string Id => this.GetPrimaryKeyString();
    private Guid UploadId => Guid.ParseExact(Id, "D");
    private bool IsOpen => state.State.Repository is not null;

    public async Task<UploadStatus> Open(RepositoryName repository, string algorithm, string? owner, string? identity)
    {
        if (IsOpen) throw Unknown("upload session already exists");
        DigestHasher.Create(algorithm).Dispose(); // DIGEST_INVALID for an algorithm this registry cannot hash
        // Admitted before anything is created: one session over the identity's limit is refused with nothing to undo.
        var counted = quota.Value.Enabled ? identity : null;
        if (counted is not null) await grains.UploadQuota(counted).Admit(UploadId);
        try
        {
            var now = clock.GetUtcNow();
            var data = await blobs.CreateUploadAsync(Id);
            await index.AddUploadAsync(Id, repository, now);
            state.State = new UploadSessionState
            {
                Repository = repository, StartedAt = now, LastActivity = now, Algorithm = algorithm, Owner = owner, CountedAgainst = counted,
                Offset = data.Size, StoreResume = data.Resume,
            };
            await state.WriteStateAsync();
        }
        catch
        {
            if (counted is not null) await ReleaseQuotaAsync(counted);
            throw;
        }
        return Status;
    }

    public Task<UploadStatus> GetStatus(RepositoryName repository, string? owner)
    {
        EnsureOpenFor(repository, owner);
        return Task.FromResult(Status);
    }

    public Task<UploadLease> BeginWrite(RepositoryName repository, long? start, string? owner)
    {
        EnsureOpenFor(repository, owner);
        if (_lease is not null && clock.GetUtcNow() - _leaseTakenAt < options.Value.WriterLeaseTimeout)
            throw new RegistryException(ErrorCatalog.RangeInvalid, "another chunk of this upload is being written");
        if (start is { } s && s != state.State.Offset)
            throw new RegistryException(ErrorCatalog.RangeInvalid, $"chunk starts at {s} but the upload has {state.State.Offset} bytes");
        _lease = Guid.NewGuid();
        _leaseTakenAt = clock.GetUtcNow();
        // The lease lives only in this activation, and a long chunk (a whole layer streamed in one PATCH) makes no
        // grain call until it ends: without this, idle collection could deactivate the grain mid-chunk and the
        // finished chunk would be refused.
        DelayDeactivation(options.Value.WriterLeaseTimeout);
        return Task.FromResult(new UploadLease(_lease.Value, state.State.Offset, state.State.Algorithm, state.State.HashState, state.State.StoreResume));
    }

    public async Task<UploadStatus> CompleteWrite(Guid leaseId, long newOffset, byte[]? hashState, byte[]? storeResume)
    {
        EnsureLease(leaseId);
        if (newOffset < state.State.Offset) throw new ArgumentOutOfRangeException(nameof(newOffset));
        ReleaseLease();
        // An empty chunk may still have moved the store's resume information (S3: a buffered tail written out).
        if (newOffset != state.State.Offset || !storeResume.AsSpan().SequenceEqual(state.State.StoreResume))
        {
            state.State.Offset = newOffset;
            // With the offset, in one write: never a hash state or store state for another offset.
            state.State.HashState = hashState;
            state.State.StoreResume = storeResume;
            state.State.LastActivity = clock.GetUtcNow();
            await state.WriteStateAsync();
        }
        return Status;
    }

    public Task AbortWrite(Guid leaseId)
    {
        if (_lease == leaseId) ReleaseLease();
        return Task.CompletedTask;
    }

    public async Task Finish(Guid leaseId, Digest digest, long size, byte[]? storeResume)
    {
        EnsureLease(leaseId);
        var data = new BlobUploadState(size, storeResume);
        try { await index.CommitBlobAsync(digest, size, ct => blobs.CommitUploadAsync(Id, data, digest, ct)); }
        catch (UploadBusyException)
        {
            // A writer whose lease was taken over still has the data open: its bytes may be in it. Not now.
            throw new RegistryException(ErrorCatalog.RangeInvalid, "another chunk of this upload is still being written");
        }
        await LinkCommittedAsync(state.State.Repository!.Value, digest, size);
        await CloseAsync(deleteData: false);
    }

    public async Task Cancel(RepositoryName repository, string? owner)
    {
        EnsureOpenFor(repository, owner);
        await CloseAsync(deleteData: true);
    }

    public async Task<bool> ExpireIfIdle(DateTimeOffset idleSince)
    {
        if (IsOpen && (state.State.LastActivity >= idleSince || _lease is not null))
        {
            await index.TouchUploadAsync(Id, state.State.LastActivity);
            return false;
        }
        await CloseAsync(deleteData: true);
        return true;
    }

    private UploadStatus Status => new(state.State.Repository!.Value, state.State.Offset);

    /// <summary>The upload's data as the store knows it: the committed offset and the store's resume information.</summary>
    private BlobUploadState StoreState => new(state.State.Offset, state.State.StoreResume);

    private void ReleaseLease()
    {
        _lease = null;
        DelayDeactivation(TimeSpan.Zero); // back to ordinary idle collection
    }

    /// <summary>Links the committed blob, retrying transient failures (linking is idempotent).</summary>
    private async Task LinkCommittedAsync(RepositoryName repository, Digest digest, long size)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await grains.Repository(repository).LinkBlob(digest, size);
                return;
            }
            catch (Exception e) when (attempt < LinkRetryDelays.Length && IsTransient(e))
            {
                logger.LogWarning(e, "Linking committed blob {Digest} into {Repository} failed (attempt {Attempt}); retrying",
                    digest, repository, attempt + 1);
                await Task.Delay(LinkRetryDelays[attempt]);
            }
        }
    }

    // A catalog error is final, except UNAVAILABLE: a dropped database connection (DatabaseFailureFilter) or a silo gone.
    private static bool IsTransient(Exception e) =>
        e is not RegistryException registry || ReferenceEquals(registry.Descriptor, ErrorCatalog.Unavailable);

    private async Task CloseAsync(bool deleteData)
    {
        _lease = null;
        // Data without a session (a create whose session state was never written) has no known state.
        if (deleteData) await blobs.DeleteUploadAsync(Id, IsOpen ? StoreState : null);
        await index.RemoveUploadAsync(Id);
        var counted = state.State.CountedAgainst;
        if (IsOpen) await state.ClearStateAsync();
        state.State = new UploadSessionState();
        DeactivateOnIdle();
        if (counted is not null) await ReleaseQuotaAsync(counted);
    }

    /// <summary>
    /// Frees the identity's slot. The session is closed already, so a failure is only logged: the quota grain ages
    /// the entry out with the upload expiry.
    /// </summary>
    private async Task ReleaseQuotaAsync(string identity)
    {
        try { await grains.UploadQuota(identity).Release(UploadId); }
        catch (Exception e)
        {
            logger.LogWarning(e, "Releasing upload {Id} from the session quota of {Identity} failed; it ages out with the upload expiry",
                Id, identity);
        }
    }

    // Another owner is told what another repository is told: nothing about whether the session exists.
    private void EnsureOpenFor(RepositoryName repository, string? owner)
    {
        if (!IsOpen || state.State.Repository != repository || !string.Equals(state.State.Owner, owner, StringComparison.Ordinal))
            throw Unknown("upload session is not open in this repository");
    }

    private void EnsureLease(Guid leaseId)
    {
        // Cancelled or expired while the chunk was arriving: the session is gone (code-3), no one else wrote.
        if (!IsOpen) throw Unknown("the upload session was cancelled or has expired");
        if (_lease != leaseId)
            throw new RegistryException(ErrorCatalog.BlobUploadInvalid, "the upload was changed by another writer");
    }

    private static RegistryException Unknown(string message) => new(ErrorCatalog.BlobUploadUnknown, message);
}
