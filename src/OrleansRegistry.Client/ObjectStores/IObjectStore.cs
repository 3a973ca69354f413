using OrleansRegistry.Core;

namespace OrleansRegistry.Client.ObjectStores;

/// <summary>
/// The local side of a push or pull: content-addressed blobs and manifests plus tags. The default implementation is
/// an OCI image layout directory (<see cref="OciLayoutStore"/>), readable and writable by skopeo and umoci.
/// Writes are atomic: content becomes visible only complete and verified against its digest, so a cancelled pull
/// leaves no partial blob.
/// </summary>
public interface IObjectStore
{
    /// <summary>Size of a blob or manifest held under <paramref name="digest"/>, or null.</summary>
    Task<long?> StatAsync(Digest digest, CancellationToken ct = default);

    /// <summary>A read stream over the content of <paramref name="digest"/>, or null when absent.</summary>
    Task<Stream?> OpenReadAsync(Digest digest, CancellationToken ct = default);

    /// <summary>
    /// Stores <paramref name="content"/> under <paramref name="expected"/>.Digest, streaming (never buffering the
    /// whole blob), verifying digest and size while it writes; on a mismatch or cancellation nothing is stored and the
    /// exception propagates. Storing what is already there is a no-op that still drains nothing.
    /// </summary>
    Task PutAsync(Descriptor expected, Stream content, CancellationToken ct = default);

    /// <summary>The descriptor (media type, digest, size) a tag points to, or null.</summary>
    Task<Descriptor?> ResolveTagAsync(string tag, CancellationToken ct = default);

    /// <summary>Points <paramref name="tag"/> at a manifest already stored (replacing an earlier target).</summary>
    Task SetTagAsync(string tag, Descriptor manifest, CancellationToken ct = default);

    /// <summary>Every tag and the descriptor it points to.</summary>
    Task<IReadOnlyList<(string Tag, Descriptor Manifest)>> ListTagsAsync(CancellationToken ct = default);
}
