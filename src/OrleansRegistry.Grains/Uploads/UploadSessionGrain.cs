using Microsoft.Extensions.Options;
using OrleansRegistry.Core;
using OrleansRegistry.Grains.Abstractions.Errors;
using OrleansRegistry.Grains.Abstractions.Uploads;
using OrleansRegistry.Storage.Blobs;
using OrleansRegistry.Storage.Index;

namespace OrleansRegistry.Grains.Uploads;

/// <summary>
/// The upload state machine (architecture §4): one writer at a time, chunks only at the committed offset, the
/// offset moves only when a chunk is fully written. Finished and cancelled sessions delete their row, so they
/// answer BLOB_UPLOAD_UNKNOWN from then on.
/// </summary>
public sealed class UploadSessionGrain(
    [PersistentState("upload", RegistryStorage.Name)] IPersistentState<UploadSessionState> state,
    IRegistryIndex index,
    IBlobStore blobs,
    IOptions<UploadOptions> options,
    TimeProvider clock) : Grain, IUploadSessionGrain
{
    // The lease is deliberately not persisted: if this activation's silo dies, so did any writer it knew about.
    private Guid? _lease;
    private DateTimeOffset _leaseTakenAt;

    private string Id => this.GetPrimaryKeyString();
    private bool IsOpen => state.State.Repository is not null;

    public async Task<UploadStatus> Open(string repository)
    {
        if (IsOpen) throw Unknown("upload session already exists");
        var now = clock.GetUtcNow();
        state.State = new UploadSessionState { Repository = repository, StartedAt = now, LastActivity = now };
        await index.AddUploadAsync(Id, repository, now);
        await state.WriteStateAsync();
        return Status;
    }

    public Task<UploadStatus> GetStatus(string repository)
    {
        EnsureOpenFor(repository);
        return Task.FromResult(Status);
    }

    public Task<UploadLease> BeginWrite(string repository, long? start)
    {
        EnsureOpenFor(repository);
        if (_lease is not null && clock.GetUtcNow() - _leaseTakenAt < options.Value.WriterLeaseTimeout)
            throw new RegistryGrainException(ErrorCatalog.RangeInvalid.Code, "another chunk of this upload is being written");
        if (start is { } s && s != state.State.Offset)
            throw new RegistryGrainException(ErrorCatalog.RangeInvalid.Code,
                $"chunk starts at {s} but the upload has {state.State.Offset} bytes");
        _lease = Guid.NewGuid();
        _leaseTakenAt = clock.GetUtcNow();
        // The lease lives only in this activation, and a long chunk (a whole layer streamed in one PATCH) makes no
        // grain call until it ends: without this, idle collection could deactivate the grain mid-chunk and the
        // finished chunk would be refused.
        DelayDeactivation(options.Value.WriterLeaseTimeout);
        return Task.FromResult(new UploadLease(_lease.Value, state.State.Offset));
    }

    public async Task<UploadStatus> CompleteWrite(Guid leaseId, long newOffset)
    {
        EnsureLease(leaseId);
        if (newOffset < state.State.Offset) throw new ArgumentOutOfRangeException(nameof(newOffset));
        ReleaseLease();
        if (newOffset != state.State.Offset)
        {
            state.State.Offset = newOffset;
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

    private void ReleaseLease()
    {
        _lease = null;
        DelayDeactivation(TimeSpan.Zero); // back to ordinary idle collection
    }

    public async Task Finish(Guid leaseId, string digest)
    {
        EnsureLease(leaseId);
        await CloseAsync(deleteData: false);
    }

    public async Task Cancel(string repository)
    {
        EnsureOpenFor(repository);
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

    private UploadStatus Status => new(state.State.Repository!, state.State.Offset);

    private async Task CloseAsync(bool deleteData)
    {
        _lease = null;
        if (deleteData) await blobs.DeleteUploadAsync(Id);
        await index.RemoveUploadAsync(Id);
        if (IsOpen) await state.ClearStateAsync();
        state.State = new UploadSessionState();
        DeactivateOnIdle();
    }

    private void EnsureOpenFor(string repository)
    {
        if (!IsOpen || state.State.Repository != repository) throw Unknown("upload session is not open in this repository");
    }

    private void EnsureLease(Guid leaseId)
    {
        // Cancelled or expired while the chunk was arriving: the session is gone (code-3), no one else wrote.
        if (!IsOpen) throw Unknown("the upload session was cancelled or has expired");
        if (_lease != leaseId)
            throw new RegistryGrainException(ErrorCatalog.BlobUploadInvalid.Code, "the upload was changed by another writer");
    }

    private static RegistryGrainException Unknown(string message) => new(ErrorCatalog.BlobUploadUnknown.Code, message);
}
