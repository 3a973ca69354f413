using Microsoft.Extensions.Options;
using OrleansRegistry.Core;
using OrleansRegistry.Grains.Abstractions;
using OrleansRegistry.Grains.Abstractions.Manifests;
using OrleansRegistry.Grains.Abstractions.Repositories;
using OrleansRegistry.Storage.Index;

namespace OrleansRegistry.Grains.Manifests;

/// <summary>
/// One manifest of one repository. A PUT is all-or-nothing: it is stored only after it parses and everything it
/// references is in the repository; then its referrer entry and its tag follow.
/// </summary>
public sealed class ManifestGrain(
    [PersistentState("manifest", RegistryStorage.Name)] IPersistentState<ManifestState> state,
    IRegistryIndex index,
    IGrainFactory grains,
    IOptions<ManifestLimits> limits) : Grain, IManifestGrain
{
    private (RepositoryName Repository, Digest Digest) Key => RegistryGrains.ParseManifestKey(this.GetPrimaryKeyString());

    public Task<ManifestContent?> Get() => Task.FromResult(state.State.Content);

    public async Task<ManifestContent> Put(string mediaType, byte[] bytes, Tag? tag)
    {
        var (repository, digest) = Key;
        var parsed = ManifestParser.Parse(mediaType, bytes, limits.Value);
        var repo = grains.Repository(repository);
        await EnsureReferencesExistAsync(repository, repo, parsed);

        var content = new ManifestContent(digest, parsed.MediaType, bytes, parsed.Subject?.Digest);
        if (state.State.Content is not { } old || old.MediaType != content.MediaType)
        {
            // A repository that holds a manifest exists (tags list, catalog), even when the manifest references
            // no blob and carries no tag (an empty index pushed by digest): blob links and tags register it too.
            await index.EnsureRepositoryAsync(repository.Value);
            state.State.Content = content;
            await state.WriteStateAsync();
        }
        content = state.State.Content!;

        if (parsed.Subject is { } subject)
        {
            await index.AddReferrerAsync(repository.Value, subject.Digest.ToString(), new ReferrerRecord(
                digest.ToString(), parsed.MediaType, bytes.Length, parsed.EffectiveArtifactType, parsed.Annotations));
        }
        if (tag is { } t) await repo.PutTag(t, digest);
        return content;
    }

    public async Task<bool> Delete()
    {
        if (state.State.Content is not { } content) return false;
        var (repository, digest) = Key;
        if (content.Subject is not null) await index.RemoveReferrerAsync(repository.Value, digest.ToString());
        await state.ClearStateAsync();
        state.State.Content = null;
        await grains.Repository(repository).ManifestDeleted(digest);
        DeactivateOnIdle();
        return true;
    }

    // Temporary (branch gc): the rows branch implements it over the manifests table.
    public Task<bool> DeleteUnreferenced(DateTimeOffset createdBefore) => Task.FromResult(false);

    private async Task EnsureReferencesExistAsync(RepositoryName repository, IRepositoryGrain repo, ParsedManifest parsed)
    {
        var blobChecks = parsed.ReferencedBlobs
            .Select(async d => (d.Digest, Exists: await repo.StatBlob(d.Digest) is not null));
        var childChecks = parsed.Manifests
            .Select(async d => (d.Digest, Exists: await grains.Manifest(repository, d.Digest).Get() is not null));
        var missing = (await Task.WhenAll(blobChecks.Concat(childChecks))).Where(c => !c.Exists).ToList();
        if (missing.Count == 0) return;

        var first = missing[0].Digest.ToString();
        throw new RegistryException(
            ErrorCatalog.ManifestBlobUnknown,
            $"manifest references {first}, which is not in repository {repository}" +
            (missing.Count > 1 ? $" (and {missing.Count - 1} more)" : ""),
            new { digest = first });
    }
}
