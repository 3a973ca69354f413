using Microsoft.Extensions.Options;
using OrleansRegistry.Core;
using OrleansRegistry.Grains.Abstractions;
using OrleansRegistry.Grains.Abstractions.Manifests;
using OrleansRegistry.Grains.Mirrors;
using OrleansRegistry.Storage.Index;

namespace OrleansRegistry.Grains.Manifests;

/// <summary>
/// One manifest of one repository. Its durable state is its row in `manifests` (no Orleans grain state); the
/// activation caches the content, so GET/HEAD are answered from memory after the first load. A PUT and a DELETE are
/// one transaction each in the index (manifest, references, referrer entry, tags), so a failure halfway changes
/// nothing; the repository grain's tag cache is told only after the commit. Manifests of older versions, kept in
/// grain state, are moved into rows before the silo serves (<see cref="ManifestStateMove"/>): a grain reads rows only.
/// </summary>
public sealed class ManifestGrain(
    IRegistryIndex index,
    IGrainFactory grains,
    IOptions<ManifestLimits> limits,
    MirrorSet mirrors,
    MirroredManifests mirrored) : Grain, IManifestGrain
{
    private RepositoryName _repository;
    private MirroredRepository? _mirror;
    private Task<ManifestContent?>? _fetching;
    private Digest _digest;
    private ManifestContent? _content;
    private bool _loaded;

    // Get interleaves with the writes; a load that overlapped a write must not replace what the write cached.
    private long _version;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // The key was made from a valid name and digest (RegistryGrains.Manifest): parsed once per activation.
        (_repository, _digest) = RegistryGrains.ParseManifestKey(this.GetPrimaryKeyString());
        _mirror = mirrors.Match(_repository);
        return Task.CompletedTask;
    }

    public async Task<ManifestContent?> Get()
    {
        var content = _loaded ? _content : await LoadAsync();
        if (content is not null || _mirror is null) return content;
        // A mirrored repository's miss by digest is filled from the upstream; concurrent pulls share one fetch.
        _fetching ??= FetchAsync(_mirror);
        try
        {
            return await _fetching;
        }
        finally
        {
            _fetching = null;
        }
    }

    public Task<ManifestContent> Put(string mediaType, byte[] bytes, Tag? tag) => StoreAsync(mediaType, bytes, tag, requireReferences: true);

    public Task<ManifestContent> PutMirrored(string mediaType, byte[] bytes, Tag? tag) => StoreAsync(mediaType, bytes, tag, requireReferences: false);

    private async Task<ManifestContent> StoreAsync(string mediaType, byte[] bytes, Tag? tag, bool requireReferences)
    {
        var parsed = ManifestParser.Parse(mediaType, bytes, limits.Value);
        var write = ManifestRowMapping.ToWrite(_digest, parsed, bytes, tag) with { RequireReferences = requireReferences };
        var result = await index.PutManifestAsync(_repository, write);
        if (result.Stored is not { } stored) throw MissingReferences(_repository, result.Missing);
        var content = Cache(ManifestRowMapping.ToContent(stored))!;
        if (tag is { } t) await grains.Repository(_repository).TagMoved(t, _digest);
        return content;
    }

    public async Task<bool> Delete()
    {
        // Nothing is cached as gone before the transaction commits: a failed DELETE leaves manifest and tags served.
        var removedTags = await index.DeleteManifestAsync(_repository, _digest);
        Cache(null); // deleted now, or absent already
        return removedTags is not null && await DeletedAsync(removedTags);
    }

    public async Task<bool> DeleteNotPulled(DateTimeOffset usedBefore) =>
        await index.DeleteNotPulledManifestAsync(_repository, _digest, usedBefore) is { } removedTags && await DeletedAsync(removedTags);

    public async Task<bool> DeleteUnreferenced(DateTimeOffset createdBefore)
    {
        if (!await index.DeleteUnreferencedManifestAsync(_repository, _digest, createdBefore)) return false;
        Cache(null); // untagged when deleted: no tag cache to tell
        DeactivateOnIdle();
        return true;
    }

    private async Task<ManifestContent?> FetchAsync(MirroredRepository mirror)
    {
        if (await mirrored.FetchAsync(mirror, _digest) is not { } fetched) return null;
        return await PutMirrored(fetched.Descriptor.MediaType, fetched.Content, null);
    }

    /// <summary>After a delete's commit: forgets the content, tells the repository grain which tags went, and deactivates.</summary>
    private async Task<bool> DeletedAsync(IReadOnlyList<Tag> removedTags)
    {
        Cache(null);
        if (removedTags.Count > 0) await grains.Repository(_repository).TagsRemoved([.. removedTags]);
        DeactivateOnIdle();
        return true;
    }

    private async Task<ManifestContent?> LoadAsync()
    {
        var seen = _version;
        var content = await index.GetManifestAsync(_repository, _digest) is { } row ? ManifestRowMapping.ToContent(row) : null;
        return seen == _version ? Cache(content) : _content;
    }

    private ManifestContent? Cache(ManifestContent? content)
    {
        _version++;
        _content = content;
        _loaded = true;
        return content;
    }

    private static RegistryException MissingReferences(RepositoryName repository, IReadOnlyList<Digest> missing)
    {
        var first = missing[0];
        return new RegistryException(
            ErrorCatalog.ManifestBlobUnknown,
            $"manifest references {first}, which is not in repository {repository}" +
            (missing.Count > 1 ? $" (and {missing.Count - 1} more)" : ""),
            new { digest = first.ToString() });
    }
}
