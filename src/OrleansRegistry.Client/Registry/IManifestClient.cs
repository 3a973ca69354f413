using OrleansRegistry.Core;

namespace OrleansRegistry.Client.Registry;

/// <summary>The manifests of one repository (spec: "Pulling manifests", "Pushing Manifests", "Deleting Manifests").</summary>
public interface IManifestClient
{
    /// <summary>
    /// <c>GET</c> by tag or digest. The bytes are verified: by digest against the requested digest, by tag against the
    /// registry's <c>Docker-Content-Digest</c> (sha256 of the bytes when the registry sends none).
    /// <paramref name="accept"/> defaults to <see cref="ManifestClient.DefaultAccept"/>.
    /// </summary>
    Task<ManifestContent> GetAsync(string reference, IEnumerable<string>? accept = null, CancellationToken ct = default);

    /// <summary><c>HEAD</c>: the manifest's descriptor, or null when the repository has no such manifest.</summary>
    Task<Descriptor?> HeadAsync(string reference, IEnumerable<string>? accept = null, CancellationToken ct = default);

    /// <summary><c>PUT</c> under a tag or its digest; returns the digest (sha256 of the bytes, or the algorithm of a digest reference).</summary>
    Task<Digest> PutAsync(string reference, string mediaType, ReadOnlyMemory<byte> content, CancellationToken ct = default);

    /// <summary><c>DELETE</c> by digest (or by tag, where the registry supports it).</summary>
    Task DeleteAsync(string reference, CancellationToken ct = default);
}
