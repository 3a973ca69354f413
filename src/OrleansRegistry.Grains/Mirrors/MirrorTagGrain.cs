using OrleansRegistry.Client.Registry;
using OrleansRegistry.Core;
using OrleansRegistry.Grains.Abstractions;
using OrleansRegistry.Grains.Abstractions.Mirrors;
using OrleansRegistry.Storage.Index;

namespace OrleansRegistry.Grains.Mirrors;

/// <summary>
/// One mirrored tag. Within TagCheckInterval of its last upstream answer it answers from the local tag; after that the
/// next pull asks the upstream with a <c>HEAD</c> (which Docker Hub does not count against its pull limit) and fetches
/// the manifest with a <c>GET</c> only when its digest is not here yet. The manifest is cached through its manifest
/// grain exactly as received. When the upstream cannot answer, the cached digest is served with a warning
/// (ServeStaleOnError). In memory only: a new activation asks the upstream at its first pull.
/// </summary>
public sealed class MirrorTagGrain(
    MirrorSet mirrors,
    UpstreamRegistries upstreams,
    IGrainFactory grains,
    IRegistryIndex index,
    MirrorMetrics metrics,
    MirrorAuditLog audit,
    TimeProvider time) : Grain, IMirrorTagGrain
{
    // Pulls queued behind a check that failed get its answer instead of waiting for another timeout each.
    private static readonly TimeSpan FailureMemory = TimeSpan.FromSeconds(5);

    private MirroredRepository _repository = null!;
    private Tag _tag;
    private DateTimeOffset? _answeredAt;
    private (DateTimeOffset At, RegistryException Error)? _failed;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        (var local, _tag) = RegistryGrains.ParseMirrorTagKey(this.GetPrimaryKeyString());
        _repository = mirrors.Match(local) ?? throw new InvalidOperationException($"{local} is not a mirrored repository");
        return Task.CompletedTask;
    }

    public async Task<MirrorTagAnswer> Resolve()
    {
        var mirror = _repository.Mirror;
        if (!_repository.Allowed) throw _repository.NotAllowed();
        var cached = await grains.Repository(_repository.Local).ResolveTag(_tag);
        if (cached is { } fresh && _answeredAt is { } at && time.GetUtcNow() - at < mirror.Options.TagCheckInterval)
        {
            metrics.Hit(mirror.Namespace, "tag");
            return new MirrorTagAnswer(fresh, null);
        }

        metrics.Miss(mirror.Namespace, "tag");
        try
        {
            if (_failed is { } failed && time.GetUtcNow() - failed.At < FailureMemory) throw failed.Error;
            _failed = null;
            var digest = await AskUpstreamAsync(cached);
            _answeredAt = time.GetUtcNow();
            return new MirrorTagAnswer(digest, null);
        }
        catch (RegistryException e) when (UpstreamErrors.IsUnavailable(e) && _failed is null)
        {
            _failed = (time.GetUtcNow(), e);
            if (cached is { } stale && mirror.Options.ServeStaleOnError) return Stale(stale, e);
            throw;
        }
        catch (RegistryException e) when (UpstreamErrors.IsUnavailable(e) && cached is { } stale && mirror.Options.ServeStaleOnError)
        {
            return Stale(stale, e);
        }
    }

    private MirrorTagAnswer Stale(Digest cached, RegistryException failure)
    {
        metrics.Stale(_repository.Mirror.Namespace);
        return new MirrorTagAnswer(cached, $"{failure.Message}; serving the digest cached for tag {_tag}, which may be out of date");
    }

    private async Task<Digest> AskUpstreamAsync(Digest? cached)
    {
        var upstream = upstreams.For(_repository.Mirror);
        var deadline = upstream.StartDeadline();
        var reference = _tag.Value;
        var head = await upstream.CallAsync(_repository.Upstream, $"manifest {reference}",
            (repository, ct) => repository.Manifests.HeadAsync(reference, ManifestClient.DefaultAccept, ct), CancellationToken.None, deadline);
        if (head is null)
        {
            // A HEAD's 404 has no body to say whether the tag or the whole repository is unknown: a GET's error does.
            var byTag = await upstream.CallAsync(_repository.Upstream, $"manifest {reference}",
                (repository, ct) => repository.Manifests.GetAsync(reference, ManifestClient.DefaultAccept, ct), CancellationToken.None, deadline);
            await grains.Manifest(_repository.Local, byTag.Descriptor.Digest).PutMirrored(byTag.Descriptor.MediaType, byTag.Content, _tag);
            audit.ManifestCached(_repository.Mirror, _repository.Local, byTag.Descriptor.Digest, _tag);
            return byTag.Descriptor.Digest;
        }
        if (head.Digest == cached) return head.Digest;

        var manifest = grains.Manifest(_repository.Local, head.Digest);
        // The row, not the manifest grain: its Get would fetch a missing digest itself, outside this check's deadline.
        if (await index.GetManifestAsync(_repository.Local, head.Digest) is not null)
        {
            await grains.Repository(_repository.Local).PutTag(_tag, head.Digest);
            audit.TagMoved(_repository.Mirror, _repository.Local, _tag, head.Digest);
            return head.Digest;
        }
        // Fetched by digest, so the client library checks the bytes against the digest the HEAD named.
        var content = await upstream.CallAsync(_repository.Upstream, $"manifest {head.Digest}",
            (repository, ct) => repository.Manifests.GetAsync(head.Digest.ToString(), ManifestClient.DefaultAccept, ct), CancellationToken.None, deadline);
        await manifest.PutMirrored(content.Descriptor.MediaType, content.Content, _tag);
        audit.ManifestCached(_repository.Mirror, _repository.Local, head.Digest, _tag);
        return head.Digest;
    }
}
