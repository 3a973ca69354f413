using OrleansRegistry.Client.ObjectStores;
using OrleansRegistry.Client.Registry;
using OrleansRegistry.Client.Transfers;
using OrleansRegistry.Core;

namespace OrleansRegistry.Client.Images;

/// <summary>
/// Moves whole images (an image manifest with its config and layers, or an index with its child images) between a
/// registry and an <see cref="IObjectStore"/>, or between two registries. The blobs go first, through
/// <see cref="TransferWindow"/> with <see cref="TransferOptions.Window"/> (blob i starts only when blob i − window has
/// finished; the first failure cancels the rest, starts nothing more, and is rethrown once every task has ended); then
/// child manifests; then the top manifest; then the tag. A destination therefore never holds a manifest whose blobs it
/// lacks, and a tag only ever names a complete image. Stateless: one instance may serve many concurrent calls.
/// Docker schema1 signed manifests move too, byte for byte (so their signatures still verify): a registry names one by
/// the digest of its payload without signatures, an object store by the digest of its bytes; every call returns the
/// registry's name, and <see cref="IObjectStore"/> files and tags the bytes under theirs.
/// </summary>
public sealed class ImageTransfer
{
    // Schema1 as well: some registries serve a schema1 manifest only to a client that says it reads one.
    private static readonly IReadOnlyList<string> ManifestAccept =
        [.. ManifestClient.DefaultAccept, MediaTypes.DockerSchema1Signed, MediaTypes.DockerSchema1];

    /// <summary>
    /// Registry → object store. <paramref name="reference"/> is a tag or digest. Stores every blob (config, layers), then
    /// child manifests, then the top manifest, and sets <paramref name="destinationTag"/> (when not null) last.
    /// Returns the top manifest's descriptor as the registry names it. For schema1 that is its payload digest, while
    /// the store files (and tags) the same bytes under their own digest, since the store is content-addressed.
    /// </summary>
    public async Task<Descriptor> PullAsync(RepositoryClient source, string reference, IObjectStore destination,
        string? destinationTag, TransferOptions options, CancellationToken ct = default)
    {
        CheckArguments(source, destination, destinationTag, options);
        var graph = await LoadFromRegistryAsync(source, reference, ct).ConfigureAwait(false);
        var reporter = new TransferReporter(options.Progress);

        await RunBlobsAsync(graph, reporter, options, (blob, progress, t) => PullBlobAsync(source, destination, blob, progress, t), ct)
            .ConfigureAwait(false);
        await RunManifestsAsync(graph, reporter, async (manifest, t) =>
        {
            if (await destination.StatAsync(manifest.Stored.Digest, t).ConfigureAwait(false) == manifest.Stored.Size)
                return TransferEventKind.Skipped;
            using var content = new MemoryStream(manifest.Content, writable: false);
            await destination.PutAsync(manifest.Stored, content, t).ConfigureAwait(false);
            return TransferEventKind.Completed;
        }, ct).ConfigureAwait(false);
        if (destinationTag is not null)
            await destination.SetTagAsync(destinationTag, graph.Root.Stored, ct).ConfigureAwait(false);
        return graph.Root.Descriptor;
    }

    /// <summary>
    /// Object store → registry: blobs (HEAD first and skipped when present; mounted from
    /// <see cref="TransferOptions.MountFrom"/> when set; otherwise uploaded, resumably, since the store's streams are
    /// seekable files), child manifests by digest, and the top manifest under <paramref name="destinationTag"/> (by its
    /// digest when null). Returns the top manifest's descriptor as the registry names it: for schema1, the payload
    /// digest the registry reported (Docker-Content-Digest), not the digest the store files the bytes under.
    /// </summary>
    public async Task<Descriptor> PushAsync(IObjectStore source, string sourceTag, RepositoryClient destination,
        string? destinationTag, TransferOptions options, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentException.ThrowIfNullOrEmpty(sourceTag);
        CheckArguments(source, destination, destinationTag, options);
        var root = await source.ResolveTagAsync(sourceTag, ct).ConfigureAwait(false)
            ?? throw new ImageContentMissingException($"the object store has no tag '{sourceTag}'");
        var graph = await ImageGraph.LoadAsync(await StoredManifests.ReadAsync(source, root, ct).ConfigureAwait(false),
            (child, t) => StoredManifests.ReadAsync(source, child, t),
            async (blob, t) => await source.StatAsync(blob, t).ConfigureAwait(false)
                ?? throw new ImageContentMissingException($"the object store has no blob {blob}"),
            ct).ConfigureAwait(false);
        return await ToRegistryAsync(graph, destination, destinationTag, options, options.MountFrom,
            async (blob, t) => await source.OpenReadAsync(blob.Digest, t).ConfigureAwait(false)
                ?? throw new ImageContentMissingException($"the object store has no blob {blob.Digest}"),
            headFirst: false, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Registry → registry. Each blob streams from the source's GET into the destination's upload (never a temporary
    /// file, never buffered whole). When both repositories are on one registry, or <see cref="TransferOptions.MountFrom"/>
    /// is set, a cross-repository mount is tried first. The GET stream cannot be rewound, so an upload broken mid-blob is
    /// not resumed: the blob fails (and with it the copy), and running the copy again skips what already arrived.
    /// Returns the top manifest's descriptor.
    /// </summary>
    public async Task<Descriptor> CopyAsync(RepositoryClient source, string reference, RepositoryClient destination,
        string? destinationTag, TransferOptions options, CancellationToken ct = default)
    {
        CheckArguments(source, destination, destinationTag, options);
        var mountFrom = options.MountFrom ?? (source.Registry == destination.Registry && source.Name != destination.Name ? source.Name : null);
        var graph = await LoadFromRegistryAsync(source, reference, ct).ConfigureAwait(false);
        return await ToRegistryAsync(graph, destination, destinationTag, options, mountFrom,
            (blob, t) => source.Blobs.OpenReadAsync(blob, progress: null, t),
            headFirst: true, ct).ConfigureAwait(false);
    }

    private static void CheckArguments(object source, object destination, string? destinationTag, TransferOptions options)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentNullException.ThrowIfNull(options);
        CheckTag(destinationTag);
    }

    private static void CheckTag(string? tag)
    {
        // Checked before anything moves: a bad tag found only at the end would waste the whole transfer.
        if (tag is not null && !Tag.IsValid(tag))
            throw new ArgumentException($"'{tag}' is not a valid tag", nameof(tag));
    }

    /// <summary>The blobs (each HEAD-skipped, mounted or uploaded from <paramref name="open"/>), then the manifests.</summary>
    private static async Task<Descriptor> ToRegistryAsync(ImageGraph graph, RepositoryClient destination, string? destinationTag,
        TransferOptions options, string? mountFrom, Func<Descriptor, CancellationToken, Task<Stream>> open, bool headFirst,
        CancellationToken ct)
    {
        var reporter = new TransferReporter(options.Progress);
        await RunBlobsAsync(graph, reporter, options, (blob, progress, t) => UploadBlobAsync(destination, blob, mountFrom,
            t2 => open(blob, t2), headFirst, progress, t), ct).ConfigureAwait(false);
        await PutManifestsAsync(graph, destination, destinationTag, reporter, ct).ConfigureAwait(false);
        return graph.Root.Descriptor;
    }

    private static async Task<ImageGraph> LoadFromRegistryAsync(RepositoryClient source, string reference, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(reference);
        var root = await source.Manifests.GetAsync(reference, ManifestAccept, ct).ConfigureAwait(false);
        return await ImageGraph.LoadAsync(ImageManifest.Create(root.Descriptor.MediaType, root.Descriptor.Digest, root.Content),
            async (child, t) =>
            {
                // By digest, so the bytes are verified against what the index says.
                var fetched = await source.Manifests.GetAsync(child.Digest.ToString(), ManifestAccept, t).ConfigureAwait(false);
                return ImageManifest.Create(fetched.Descriptor.MediaType, fetched.Descriptor.Digest, fetched.Content);
            },
            (blob, t) => SourceBlobSizeAsync(source, blob, t), ct).ConfigureAwait(false);
    }

    /// <summary>HEAD of a blob at the source. A HEAD carries no error body, so for a missing blob a GET lets the source
    /// say why (BLOB_UNKNOWN, DENIED, ...), as it would for a blob of any other image; should the GET find it after all,
    /// its Content-Length is the size.</summary>
    private static async Task<long> SourceBlobSizeAsync(RepositoryClient source, Digest blob, CancellationToken ct)
    {
        if (await source.Blobs.StatAsync(blob, ct).ConfigureAwait(false) is { } size)
            return size;
        var content = await source.Blobs.OpenReadAsync(blob, progress: null, ct).ConfigureAwait(false);
        await using (content.ConfigureAwait(false))
            return content.Length;
    }

    private static Task RunBlobsAsync(ImageGraph graph, TransferReporter reporter, TransferOptions options,
        Func<Descriptor, IProgress<long>?, CancellationToken, Task<TransferEventKind>> transfer, CancellationToken ct)
    {
        var transfers = graph.Blobs
            .Select(blob => (Func<CancellationToken, Task>)(t => reporter.RunAsync(blob, (progress, t2) => transfer(blob, progress, t2), t)))
            .ToList();
        return TransferWindow.RunAsync(transfers, options.Window, ct);
    }

    /// <summary>The manifests one after another, in graph order (children before parents).</summary>
    private static async Task RunManifestsAsync(ImageGraph graph, TransferReporter reporter,
        Func<ImageManifest, CancellationToken, Task<TransferEventKind>> transfer, CancellationToken ct)
    {
        foreach (var manifest in graph.Manifests)
            await reporter.RunAsync(manifest.Descriptor, (_, t) => transfer(manifest, t), ct).ConfigureAwait(false);
    }

    private static async Task<TransferEventKind> PullBlobAsync(RepositoryClient source, IObjectStore destination,
        Descriptor blob, IProgress<long>? progress, CancellationToken ct)
    {
        if (await destination.StatAsync(blob.Digest, ct).ConfigureAwait(false) == blob.Size)
            return TransferEventKind.Skipped;
        var content = await source.Blobs.OpenReadAsync(blob, progress, ct).ConfigureAwait(false);
        await using (content.ConfigureAwait(false))
            await destination.PutAsync(blob, content, ct).ConfigureAwait(false);
        return TransferEventKind.Completed;
    }

    /// <summary>
    /// HEAD-skip, mount, upload. <paramref name="headFirst"/>: HEAD before opening the source, where opening it costs a
    /// request (a registry GET); a local file is opened straight away and the upload's own HEAD does the skip.
    /// </summary>
    private static async Task<TransferEventKind> UploadBlobAsync(RepositoryClient destination, Descriptor blob, string? mountFrom,
        Func<CancellationToken, Task<Stream>> open, bool headFirst, IProgress<long>? progress, CancellationToken ct)
    {
        if ((headFirst || mountFrom is not null)
            && await destination.Blobs.StatAsync(blob.Digest, ct).ConfigureAwait(false) is not null)
            return TransferEventKind.Skipped;
        if (mountFrom is not null)
        {
            try
            {
                if (await destination.Blobs.MountAsync(blob.Digest, mountFrom, ct).ConfigureAwait(false))
                    return TransferEventKind.Mounted;
            }
            catch (Exception e) when (e is RegistryException or Errors.UnexpectedStatusException)
            {
                // A mount is an optimisation: a registry that refuses it (DENIED on the other repository, or a status
                // the spec does not name) still takes the bytes.
            }
        }
        var content = await open(ct).ConfigureAwait(false);
        await using (content.ConfigureAwait(false))
        {
            var outcome = await destination.Blobs.UploadAsync(blob, content, progress, ct).ConfigureAwait(false);
            return outcome == BlobUploadOutcome.Existed ? TransferEventKind.Skipped : TransferEventKind.Completed;
        }
    }

    /// <summary>Children by digest, in graph order (children before parents), then the root under its tag or digest.</summary>
    private static Task PutManifestsAsync(ImageGraph graph, RepositoryClient destination, string? destinationTag,
        TransferReporter reporter, CancellationToken ct) =>
        RunManifestsAsync(graph, reporter, async (manifest, t) =>
        {
            var descriptor = manifest.Descriptor;
            var reference = ReferenceEquals(manifest, graph.Root) && destinationTag is not null ? destinationTag : descriptor.Digest.ToString();
            var digest = await destination.Manifests.PutAsync(reference, descriptor.MediaType, manifest.Content, t).ConfigureAwait(false);
            if (digest.Algorithm == descriptor.Digest.Algorithm && digest != descriptor.Digest)
                throw new Errors.DigestMismatchException(descriptor.Digest, digest, "manifest pushed");
            return TransferEventKind.Completed;
        }, ct);
}
