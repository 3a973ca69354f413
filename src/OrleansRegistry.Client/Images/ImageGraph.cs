using OrleansRegistry.Core;

namespace OrleansRegistry.Client.Images;

/// <summary>
/// Everything one image consists of, in the order it must move: <see cref="Blobs"/> are the "layers" of the window
/// (per image manifest its config, then its layers; for an index, its children's blobs in child order), each digest once;
/// <see cref="Manifests"/> has every child before its parent and the root last, so a registry never receives a
/// manifest whose references it lacks.
/// A Docker schema1 manifest's blobs are its fsLayers in manifest order (newest layer first, as the document lists
/// them), each digest once: the repeats of empty layers move once, and the order stays the document's, so it is the
/// same on every run. Schema1 records no sizes, so each of its blobs is sized by the source before anything moves.
/// Schema1 stands alone: an index that lists a schema1 child is refused (why: at the check in AddAsync).
/// </summary>
internal sealed class ImageGraph
{
    // Indexes of indexes exist (e.g. attestation layouts) but go no deeper than a few levels; the bound keeps a hostile
    // source from making the walk unbounded.
    private const int MaxDepth = 8;

    private readonly List<Descriptor> _blobs = [];
    private readonly List<ImageManifest> _manifests = [];
    private readonly HashSet<Digest> _seenBlobs = [];
    private readonly HashSet<Digest> _seenManifests = [];
    private readonly HashSet<Digest> _unsized = [];

    private ImageGraph(ImageManifest root) => Root = root;

    public ImageManifest Root { get; }

    public IReadOnlyList<Descriptor> Blobs => _blobs;

    public IReadOnlyList<ImageManifest> Manifests => _manifests;

    /// <summary>Walks from <paramref name="root"/>, loading each child manifest of an index through
    /// <paramref name="loadChild"/>; then asks <paramref name="sizeOf"/> (the source's size of a blob, which throws when
    /// the source lacks it) for the size of every blob its manifest did not give one, in blob order.</summary>
    public static async Task<ImageGraph> LoadAsync(ImageManifest root,
        Func<Descriptor, CancellationToken, Task<ImageManifest>> loadChild,
        Func<Digest, CancellationToken, Task<long>> sizeOf, CancellationToken ct)
    {
        var graph = new ImageGraph(root);
        await graph.AddAsync(root, loadChild, 0, ct).ConfigureAwait(false);
        // One at a time: a schema1 image has a few dozen layers at most, and a missing one fails here, before any byte moves.
        for (var i = 0; i < graph._blobs.Count; i++)
        {
            if (graph._unsized.Contains(graph._blobs[i].Digest))
                graph._blobs[i] = graph._blobs[i] with { Size = await sizeOf(graph._blobs[i].Digest, ct).ConfigureAwait(false) };
        }
        return graph;
    }

    private async Task AddAsync(ImageManifest manifest, Func<Descriptor, CancellationToken, Task<ImageManifest>> loadChild,
        int depth, CancellationToken ct)
    {
        if (!_seenManifests.Add(manifest.Descriptor.Digest))
            return;
        foreach (var blob in manifest.Parsed.ReferencedBlobs)
        {
            if (!_seenBlobs.Add(blob.Digest))
                continue;
            _blobs.Add(blob);
            if (manifest.Parsed.IsSchema1)
                _unsized.Add(blob.Digest);
        }
        foreach (var child in manifest.Parsed.Manifests)
        {
            if (_seenManifests.Contains(child.Digest))
                continue;
            if (depth + 1 >= MaxDepth)
                throw new Errors.RegistryClientException($"image index {manifest.Descriptor.Digest} nests deeper than {MaxDepth} levels");
            // An index names its children by digest, and a schema1 manifest has two (registry: payload; layout: bytes),
            // so no layout could hold such an index intact. Docker and OCI both list only schema2/OCI children, so
            // refusing costs nothing real. Checked on the declared type (before a fetch) and on the document.
            if (MediaTypes.IsSchema1(child.MediaType))
                throw Schema1Child(manifest, child.Digest);
            var loaded = await loadChild(child, ct).ConfigureAwait(false);
            if (loaded.Parsed.IsSchema1)
                throw Schema1Child(manifest, child.Digest);
            await AddAsync(loaded, loadChild, depth + 1, ct).ConfigureAwait(false);
        }
        _manifests.Add(manifest);
    }

    private static Errors.RegistryClientException Schema1Child(ImageManifest index, Digest child) =>
        new($"image index {index.Descriptor.Digest} lists {child}, a Docker schema1 manifest: schema1 images transfer only on their own");
}
