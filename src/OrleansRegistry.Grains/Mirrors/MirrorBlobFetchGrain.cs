using Microsoft.Extensions.Logging;
using OrleansRegistry.Core;
using OrleansRegistry.Grains.Abstractions;
using OrleansRegistry.Grains.Abstractions.Mirrors;
using OrleansRegistry.Storage.Blobs;
using OrleansRegistry.Storage.Index;

namespace OrleansRegistry.Grains.Mirrors;

/// <summary>
/// The one fetch of an upstream blob in the cluster. The upstream's body (verified against the digest by the client
/// library as it is read) goes into an upload of the blob store; where the store can read an unfinished upload, the
/// writer is completed every few MiB or tens of milliseconds so readers on any silo can stream what arrived. The blob is
/// committed as an upload's is (the `blobs` row lock, then the store's move) only after the last byte matched the
/// digest; a failure deletes the upload's data and commits nothing. The fetch runs on the activation, outliving the
/// requests that joined it: a client that disconnects does not stop it.
/// </summary>
public sealed class MirrorBlobFetchGrain(
    MirrorSet mirrors,
    UpstreamRegistries upstreams,
    IBlobStore store,
    IRegistryIndex index,
    IGrainFactory grains,
    MirrorMetrics metrics,
    MirrorAuditLog audit,
    ILogger<MirrorBlobFetchGrain> logger) : Grain, IMirrorBlobFetchGrain
{
    private const int BufferSize = 1 << 20;
    private const long CheckpointBytes = 4 << 20;
    private static readonly TimeSpan CheckpointInterval = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan LongestWait = TimeSpan.FromSeconds(5);

    private readonly HashSet<RepositoryName> _repositories = [];
    private readonly CancellationTokenSource _stopping = new();
    private Mirror _mirror = null!;
    private Digest _digest;
    private BlobFetchProgress _progress = BlobFetchProgress.NotRunning;
    private TaskCompletionSource _changed = NewSignal();
    private Task<BlobFetchProgress>? _starting;
    private Task _running = Task.CompletedTask;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        (var name, _digest) = RegistryGrains.ParseMirrorBlobFetchKey(this.GetPrimaryKeyString());
        _mirror = mirrors.Named(name);
        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // A silo shutting down stops its fetches; what they wrote is deleted, and the next request starts anew.
        await _stopping.CancelAsync();
        await _running.WaitAsync(cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
        _stopping.Dispose();
    }

    public async Task<BlobFetchProgress> Join(RepositoryName repository, RepositoryName upstreamRepository)
    {
        // The collector or retention may have deleted the blob since this activation saw it committed: then it is
        // fetched again, never linked as present.
        if (_progress.Status == BlobFetchStatus.Committed && await store.StatAsync(_digest) is null) ForgetCommitted();
        var fresh = _starting is null or { IsFaulted: true } || _progress.Status == BlobFetchStatus.Failed;
        // Only the upstream says whether a repository has the blob: one that joins a fetch another repository started
        // is streamed or linked only once the upstream confirms it, so the cache never hands a blob to a repository
        // whose upstream lacks it.
        if (!fresh && !_repositories.Contains(repository))
        {
            var upstream = upstreams.For(_mirror);
            await ConfirmAsync(upstream, upstreamRepository, upstream.StartDeadline());
        }
        _repositories.Add(repository);
        if (_progress.Status == BlobFetchStatus.Committed)
        {
            if (await grains.Repository(repository).LinkBlob(_digest, _progress.Size)) return _progress;
            // Refused: the collector is deleting the blob right now. It is fetched again.
            ForgetCommitted();
            _repositories.Add(repository);
            fresh = true;
        }
        if (!fresh) return await _starting!;
        _starting = StartAsync(repository, upstreamRepository);
        try
        {
            return await _starting;
        }
        catch
        {
            _repositories.Remove(repository); // the upstream did not confirm it: a later fetch must not link it
            throw;
        }
    }

    public async Task<BlobFetchProgress> WaitForProgress(long arrived)
    {
        using var timeout = new CancellationTokenSource(LongestWait);
        while (_progress.Status == BlobFetchStatus.Fetching && _progress.Arrived <= arrived && !timeout.IsCancellationRequested)
            await _changed.Task.WaitAsync(timeout.Token).ContinueWith(_ => { }, TaskScheduler.Current);
        return _progress;
    }

    // Returns once the upstream answered with the blob's headers; the body is copied by CopyAsync afterwards.
    private async Task<BlobFetchProgress> StartAsync(RepositoryName repository, RepositoryName upstreamRepository)
    {
        // A GET that missed the link just before an earlier activation committed, linked and was collected: nothing to fetch.
        if (await grains.Repository(repository).StatBlob(_digest) is { } linked)
            return Publish(new BlobFetchProgress(BlobFetchStatus.Committed, linked, null, linked, null));
        var upstream = upstreams.For(_mirror);
        var deadline = upstream.StartDeadline();
        metrics.Miss(_mirror.Namespace, "blob");
        // Another repository or an earlier fetch already brought these bytes: the upstream's HEAD is the proof that
        // this repository has the blob too, so it is linked without a second copy, and without a GET the upstream
        // would start sending.
        // A link refused means the collector is deleting the blob: then it is fetched as if absent.
        if (await store.StatAsync(_digest) is { } present)
        {
            await ConfirmAsync(upstream, upstreamRepository, deadline);
            if (await LinkAllAsync(present))
                return Publish(new BlobFetchProgress(BlobFetchStatus.Committed, present, null, present, null));
        }

        var slot = await upstream.EnterFetchAsync(deadline, _stopping.Token);
        Stream? body = null;
        try
        {
            body = await upstream.CallAsync(upstreamRepository, $"blob {_digest}",
                (r, ct) => r.Blobs.OpenReadAsync(_digest, null, ct), _stopping.Token, deadline);
            var size = TryLength(body) ?? -1;
            // A fetch elsewhere committed the bytes since the check above.
            if (await store.StatAsync(_digest) is { } stored && await LinkAllAsync(stored))
            {
                await body.DisposeAsync();
                slot.Dispose();
                return Publish(new BlobFetchProgress(BlobFetchStatus.Committed, stored, null, stored, null));
            }

            var uploadId = RegistryGrains.UploadIdKey(Guid.NewGuid());
            var state = await store.CreateUploadAsync(uploadId, _stopping.Token);
            this.DelayDeactivation(TimeSpan.FromDays(1)); // until the copy ends, however long the upstream takes
            var progress = Publish(new BlobFetchProgress(BlobFetchStatus.Fetching, size, uploadId, 0, null));
            _running = CopyAsync(body, uploadId, state, slot);
            return progress;
        }
        catch
        {
            if (body is not null) await body.DisposeAsync();
            slot.Dispose();
            throw;
        }
    }

    private async Task CopyAsync(Stream body, string uploadId, BlobUploadState state, IDisposable slot)
    {
        metrics.FetchStarted(_mirror.Namespace);
        var buffer = new byte[BufferSize];
        IBlobUploadWriter? writer = null;
        var ct = _stopping.Token;
        try
        {
            writer = await store.OpenUploadWriterAsync(uploadId, state, ct);
            var checkpoint = DateTimeOffset.UtcNow;
            while (true)
            {
                int read;
                using (var stalled = CancellationTokenSource.CreateLinkedTokenSource(ct))
                {
                    stalled.CancelAfter(_mirror.Options.UpstreamTimeout);
                    read = await body.ReadAsync(buffer, stalled.Token);
                }
                if (read == 0) break;
                await writer.WriteAsync(buffer.AsMemory(0, read), ct);
                metrics.Fetched(_mirror.Namespace, read);
                if (store.ReadsUnfinishedUploads
                    && (writer.Size - state.Size >= CheckpointBytes || DateTimeOffset.UtcNow - checkpoint >= CheckpointInterval))
                {
                    state = await writer.CompleteAsync(ct);
                    await writer.DisposeAsync();
                    writer = null;
                    writer = await store.OpenUploadWriterAsync(uploadId, state, ct);
                    checkpoint = DateTimeOffset.UtcNow;
                    Publish(_progress with { Arrived = state.Size });
                }
            }
            // The client library's stream threw at its end had the bytes not matched the digest and the size.
            state = await writer.CompleteAsync(ct);
            var size = state.Size;
            // Every byte is verified: readers take the rest from the upload's data while the commit makes it durable.
            if (store.ReadsUnfinishedUploads) Publish(_progress with { Arrived = size });
            await index.CommitBlobAsync(_digest, size, token => store.CommitUploadAsync(uploadId, state, _digest, token), ct);
            await LinkAllAsync(size);
            audit.BlobCommitted(_mirror, _digest, size, _repositories);
            Publish(new BlobFetchProgress(BlobFetchStatus.Committed, size, uploadId, size, null));
        }
        catch (Exception e)
        {
            var reason = e is RegistryException r ? r.Message : UpstreamErrors.Translate(e, _mirror, $"blob {_digest}").Message;
            logger.LogWarning(e, "Fetching {Digest} from {Upstream} failed; nothing was committed", _digest, _mirror.Namespace);
            await DeleteUploadAsync(uploadId, state);
            Publish(new BlobFetchProgress(BlobFetchStatus.Failed, _progress.Size, uploadId, 0, reason));
        }
        finally
        {
            if (writer is not null) await writer.DisposeAsync();
            await body.DisposeAsync();
            slot.Dispose();
            metrics.FetchEnded(_mirror.Namespace);
            DeactivateOnIdle();
        }
    }

    // BLOB_UNKNOWN (the upstream's 404) unless the upstream repository has the blob.
    private async Task ConfirmAsync(UpstreamRegistry upstream, RepositoryName upstreamRepository, UpstreamDeadline deadline)
    {
        _ = await upstream.CallAsync(upstreamRepository, $"blob {_digest}", (r, ct) => r.Blobs.StatAsync(_digest, ct), _stopping.Token, deadline)
            ?? throw new RegistryException(ErrorCatalog.BlobUnknown, $"{_mirror.Namespace}: {upstreamRepository} has no blob {_digest}",
                new { digest = _digest.ToString() });
    }

    // False when a link was refused (the blob is not committed, or the collector is deleting it).
    private async Task<bool> LinkAllAsync(long size)
    {
        var all = true;
        foreach (var repository in _repositories) all &= await grains.Repository(repository).LinkBlob(_digest, size);
        return all;
    }

    // What this activation knew of a committed blob no longer holds: the next join starts a fetch.
    private void ForgetCommitted()
    {
        _progress = BlobFetchProgress.NotRunning;
        _starting = null;
        _repositories.Clear();
    }

    private async Task DeleteUploadAsync(string uploadId, BlobUploadState state)
    {
        try
        {
            await store.DeleteUploadAsync(uploadId, state);
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Could not delete the data of failed fetch {UploadId}; the upload expiry sweep will", uploadId);
        }
    }

    private BlobFetchProgress Publish(BlobFetchProgress progress)
    {
        // Nothing runs once the blob is committed: the activation's memory of it need not outlive the request.
        if (progress.Status == BlobFetchStatus.Committed) DeactivateOnIdle();
        _progress = progress;
        var changed = _changed;
        _changed = NewSignal();
        changed.TrySetResult();
        return progress;
    }

    private static long? TryLength(Stream body)
    {
        try
        {
            return body.Length;
        }
        catch (NotSupportedException)
        {
            return null;
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
