using OrleansRegistry.Core;

namespace OrleansRegistry.Client.Images;

/// <summary>
/// Everything one image consists of, in the order it must move: <see cref="Blobs"/> are the "layers" of the window
/// (per image manifest its config, then its layers; for an index, its children's blobs in child order), each digest once;
/// <see cref="Manifests"/> has every child before its parent and the root last, so a registry never receives a
/// manifest whose references it lacks.
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

    private ImageGraph(ImageManifest root) => Root = root;

    public ImageManifest Root { get; }

    public IReadOnlyList<Descriptor> Blobs => _blobs;

    public IReadOnlyList<ImageManifest> Manifests => _manifests;

    /// <summary>Walks from <paramref name="root"/>, loading each child manifest of an index through <paramref name="loadChild"/>.</summary>
    public static async Task<ImageGraph> LoadAsync(ImageManifest root,
        Func<Descriptor, CancellationToken, Task<ImageManifest>> loadChild, CancellationToken ct)
    {
        var graph = new ImageGraph(root);
        await graph.AddAsync(root, loadChild, 0, ct).ConfigureAwait(false);
        return graph;
    }

    private async Task AddAsync(ImageManifest manifest, Func<Descriptor, CancellationToken, Task<ImageManifest>> loadChild,
        int depth, CancellationToken ct)
    {
        if (!_seenManifests.Add(manifest.Descriptor.Digest))
            return;
        foreach (var blob in manifest.Parsed.ReferencedBlobs)
        {
            if (_seenBlobs.Add(blob.Digest))
                _blobs.Add(blob);
        }
        foreach (var child in manifest.Parsed.Manifests)
        {
            if (_seenManifests.Contains(child.Digest))
                continue;
            if (depth + 1 >= MaxDepth)
                throw new Errors.RegistryClientException($"image index {manifest.Descriptor.Digest} nests deeper than {MaxDepth} levels");
            var loaded = await loadChild(child, ct).ConfigureAwait(false);
            await AddAsync(loaded, loadChild, depth + 1, ct).ConfigureAwait(false);
        }
        _manifests.Add(manifest);
    }
}
