using OrleansRegistry.Core;
using OrleansRegistry.Grains.Abstractions.Manifests;
using OrleansRegistry.Grains.Abstractions.Mirrors;
using OrleansRegistry.Grains.Abstractions.Repositories;
using OrleansRegistry.Grains.Abstractions.Uploads;

namespace OrleansRegistry.Grains.Abstractions;

/// <summary>The one place that turns Core's names into grain keys, so no caller formats or re-parses a key.</summary>
public static class RegistryGrains
{
    public static IRepositoryGrain Repository(this IGrainFactory grains, RepositoryName name) =>
        grains.GetGrain<IRepositoryGrain>(name.Value);

    public static IManifestGrain Manifest(this IGrainFactory grains, RepositoryName name, Digest digest) =>
        grains.GetGrain<IManifestGrain>($"{name}@{digest}");

    public static IMirrorTagGrain MirrorTag(this IGrainFactory grains, RepositoryName name, Tag tag) =>
        grains.GetGrain<IMirrorTagGrain>($"{name}:{tag}");

    /// <summary>The fetch of <paramref name="digest"/> from the upstream of mirror <paramref name="mirror"/> (its name).</summary>
    public static IMirrorBlobFetchGrain MirrorBlobFetch(this IGrainFactory grains, string mirror, Digest digest) =>
        grains.GetGrain<IMirrorBlobFetchGrain>($"{mirror}@{digest}");

    public static IUploadSessionGrain UploadSession(this IGrainFactory grains, Guid uploadId) =>
        grains.GetGrain<IUploadSessionGrain>(UploadIdKey(uploadId));

    /// <summary>The open upload sessions of <paramref name="identity"/> (the subject, or <c>anonymous@ADDRESS</c>).</summary>
    public static IUploadQuotaGrain UploadQuota(this IGrainFactory grains, string identity) =>
        grains.GetGrain<IUploadQuotaGrain>(identity);

    /// <summary>The upload id as the session grain's key and the blob store's upload name.</summary>
    public static string UploadIdKey(Guid uploadId) => uploadId.ToString("D");

    /// <summary>A mirror tag grain's own key back as repository and tag (tags cannot contain ':', names cannot either).</summary>
    public static (RepositoryName Repository, Tag Tag) ParseMirrorTagKey(string key)
    {
        var colon = key.LastIndexOf(':');
        return (RepositoryName.Parse(key[..colon]), Tag.Parse(key[(colon + 1)..]));
    }

    /// <summary>A mirror fetch grain's own key back as mirror name and digest.</summary>
    public static (string Mirror, Digest Digest) ParseMirrorBlobFetchKey(string key)
    {
        var at = key.LastIndexOf('@');
        return (key[..at], Digest.Parse(key[(at + 1)..]));
    }

    /// <summary>A manifest grain's own key back as repository and digest (they were valid when the key was made).</summary>
    public static (RepositoryName Repository, Digest Digest) ParseManifestKey(string key)
    {
        var at = key.LastIndexOf('@');
        return (RepositoryName.Parse(key[..at]), Digest.Parse(key[(at + 1)..]));
    }
}
