using OrleansRegistry.Client.Registry;
using OrleansRegistry.Core;

namespace OrleansRegistry.Grains.Mirrors;

/// <summary>Fetches a mirrored repository's manifest by digest from its upstream (a manifest grain's miss).</summary>
public sealed class MirroredManifests(UpstreamRegistries upstreams, MirrorMetrics metrics, MirrorAuditLog audit)
{
    /// <summary>The upstream's manifest, its bytes checked against <paramref name="digest"/>; null when the upstream does not have it.</summary>
    public async Task<ManifestContent?> FetchAsync(MirroredRepository repository, Digest digest, CancellationToken ct = default)
    {
        if (!repository.Allowed) throw repository.NotAllowed();
        metrics.Miss(repository.Mirror.Namespace, "manifest");
        try
        {
            var fetched = await upstreams.For(repository.Mirror).CallAsync(repository.Upstream, $"manifest {digest}",
                (r, token) => r.Manifests.GetAsync(digest.ToString(), ManifestClient.DefaultAccept, token), ct);
            audit.ManifestCached(repository.Mirror, repository.Local, digest, null);
            return fetched;
        }
        catch (RegistryException e) when (e.Descriptor == ErrorCatalog.ManifestUnknown)
        {
            return null;
        }
    }
}
