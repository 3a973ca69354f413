using Microsoft.Extensions.Options;
using OrleansRegistry.Core;
using OrleansRegistry.Grains.Abstractions;
using OrleansRegistry.Grains.Abstractions.Manifests;
using OrleansRegistry.Storage.Index;

namespace OrleansRegistry.Grains.Manifests;

/// <summary>
/// One manifest of one repository. Its durable state is its row in `manifests` (no Orleans grain state); the
/// activation caches the content, so GET/HEAD are answered from memory after the first load. A PUT and a DELETE are
/// one transaction each in the index (manifest, references, referrer entry, tags), so a failure halfway changes
/// nothing; the repository grain's tag cache is told only after the commit.
/// </summary>
public sealed class ManifestGrain(
    IRegistryIndex index,
    IGrainFactory grains,
    ManifestMigration migration,
    IOptions<ManifestLimits> limits) : Grain, IManifestGrain
{
    private ManifestContent? _content;
    private bool _loaded;

    // Get interleaves with the writes; a load that overlapped a write must not replace what the write cached.
    private long _version;

    private (RepositoryName Repository, Digest Digest) Key => RegistryGrains.ParseManifestKey(this.GetPrimaryKeyString());

    public async Task<ManifestContent?> Get() => _loaded ? _content : await LoadAsync();

    public async Task<ManifestContent> Put(string mediaType, byte[] bytes, Tag? tag)
    {
        var (repository, digest) = Key;
        var parsed = ManifestParser.Parse(mediaType, bytes, limits.Value);
        if (!migration.IsComplete)
        {
            // Children pushed before manifests were rows get theirs when their grain loads (ManifestMigration).
            await Task.WhenAll(parsed.Manifests.Select(d => grains.Manifest(repository, d.Digest).Get()));
            await LoadAsync();
        }

        var result = await index.PutManifestAsync(repository.Value, ManifestRowMapping.ToWrite(digest, parsed, bytes, tag));
        if (result.Stored is not { } stored) throw MissingReferences(repository, result.Missing);
        var content = Cache(ManifestRowMapping.ToContent(stored))!;
        if (tag is { } t) await grains.Repository(repository).TagMoved(t, digest);
        return content;
    }

    public async Task<bool> Delete()
    {
        if (!migration.IsComplete) await LoadAsync();
        var (repository, digest) = Key;
        // Nothing is cached as gone before the transaction commits: a failed DELETE leaves manifest and tags served.
        var removedTags = await index.DeleteManifestAsync(repository.Value, digest.ToString());
        Cache(null);
        if (removedTags is null) return false;
        if (removedTags.Count > 0) await grains.Repository(repository).TagsRemoved(removedTags.Select(t => Tag.Parse(t)).ToArray());
        DeactivateOnIdle();
        return true;
    }

    public async Task<bool> DeleteUnreferenced(DateTimeOffset createdBefore)
    {
        if (!migration.IsComplete) await LoadAsync();
        var (repository, digest) = Key;
        if (!await index.DeleteUnreferencedManifestAsync(repository.Value, digest.ToString(), createdBefore)) return false;
        Cache(null); // untagged when deleted: no tag cache to tell
        DeactivateOnIdle();
        return true;
    }

    private async Task<ManifestContent?> LoadAsync()
    {
        var seen = _version;
        var (repository, digest) = Key;
        var content = await index.GetManifestAsync(repository.Value, digest.ToString()) is { } row
            ? ManifestRowMapping.ToContent(row)
            : migration.IsComplete ? null : await migration.MoveFromGrainStateAsync(this.GetGrainId(), repository, digest);
        return seen == _version ? Cache(content) : _content;
    }

    private ManifestContent? Cache(ManifestContent? content)
    {
        _version++;
        _content = content;
        _loaded = true;
        return content;
    }

    private static RegistryException MissingReferences(RepositoryName repository, IReadOnlyList<string> missing)
    {
        var first = missing[0];
        return new RegistryException(
            ErrorCatalog.ManifestBlobUnknown,
            $"manifest references {first}, which is not in repository {repository}" +
            (missing.Count > 1 ? $" (and {missing.Count - 1} more)" : ""),
            new { digest = first });
    }
}
