using OrleansRegistry.Core;
using OrleansRegistry.Grains.Abstractions;

namespace OrleansRegistry.Grains.Abstractions.Manifests;

/// <summary>
/// One manifest in one repository; key <c>{repository}@{digest}</c> (see <see cref="RegistryGrains.Manifest"/>).
/// Its durable state is its row in PostgreSQL (`manifests`, with `manifest_references`); the activation caches the
/// content and answers GET/HEAD from memory after the first load.
/// </summary>
[Alias("IManifestGrain")]
public interface IManifestGrain : IGrainWithStringKey
{
    /// <summary>The manifest, or null when this repository does not hold it.</summary>
    [Idempotent, Orleans.Concurrency.AlwaysInterleave, Alias("Get")]
    Task<ManifestContent?> Get();

    /// <summary>
    /// Validates and stores the manifest: refused with MANIFEST_INVALID / MANIFEST_BLOB_UNKNOWN (nothing changes)
    /// unless it parses for its media type and every blob and child manifest it references exists in the
    /// repository. When <paramref name="tag"/> is set the tag is moved to it once it is stored.
    /// </summary>
    [Idempotent, Alias("Put")]
    Task<ManifestContent> Put(string mediaType, byte[] bytes, Tag? tag);

    /// <summary>
    /// Caches a mirrored repository's manifest exactly as the upstream sent it (its digest verified by the caller):
    /// parsed and recorded as <see cref="Put"/> does, but what it references need not be here yet (blobs and child
    /// manifests are fetched from the upstream when pulled). When <paramref name="tag"/> is set the tag is moved to it.
    /// </summary>
    [Idempotent, Alias("PutMirrored")]
    Task<ManifestContent> PutMirrored(string mediaType, byte[] bytes, Tag? tag);

    /// <summary>
    /// Deletes the manifest, its references, its referrer entry and every tag pointing at it, all or nothing (one
    /// transaction); false when absent.
    /// </summary>
    [Alias("Delete")]
    Task<bool> Delete();

    /// <summary>
    /// The garbage collector's untagged-manifest rule: deletes the manifest (as <see cref="Delete"/>) only if, checked
    /// under its row lock, it is untagged, was created before <paramref name="createdBefore"/>, is not a child of
    /// another manifest of the repository and is not a referrer whose subject is in the repository. True when deleted.
    /// </summary>
    [Alias("DeleteUnreferenced")]
    Task<bool> DeleteUnreferenced(DateTimeOffset createdBefore);

    /// <summary>
    /// The garbage collector's not-pulled rule: deletes the manifest with its tags (as <see cref="Delete"/>) only if,
    /// checked under its row lock, it was last used (pulled; never pulled: created; or a tag moved onto it since) before
    /// <paramref name="usedBefore"/>, is not a child of another manifest of the repository and is not a referrer whose
    /// subject is in the repository. True when deleted.
    /// </summary>
    [Alias("DeleteNotPulled")]
    Task<bool> DeleteNotPulled(DateTimeOffset usedBefore);
}
