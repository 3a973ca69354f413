using System.Collections.Concurrent;
using OrleansRegistry.Client.ObjectStores;
using OrleansRegistry.Core;

namespace OrleansRegistry.Client.Tests.Images;

/// <summary>
/// A real <see cref="OciLayoutStore"/> behind a seam that watches the window items (the image's blobs, in window
/// order). A pull's item starts when it first asks the store whether it holds the blob (<see cref="StatAsync"/>) and
/// ends when its <see cref="PutAsync"/> returns; a push's item starts when it opens the blob
/// (<see cref="OpenReadAsync"/>) and ends when it disposes that stream. Each item's bytes pass a <see cref="GatedStream"/>
/// that holds them half way until the test opens or fails its <see cref="BlobGate"/>. Every put is tracked, so a test
/// can check that none is still running when the transfer returned.
/// </summary>
public sealed class InstrumentedStore : IObjectStore
{
    private readonly OciLayoutStore _inner;
    private readonly Dictionary<Digest, int> _items;
    private readonly ConcurrentQueue<Task> _puts = new();

    public InstrumentedStore(OciLayoutStore inner, IReadOnlyList<Descriptor> items)
    {
        _inner = inner;
        _items = items.Select((d, i) => (d.Digest, i)).ToDictionary(x => x.Digest, x => x.i);
        Gates = items.Select(_ => new BlobGate()).ToArray();
    }

    public TransferLog Log { get; } = new();

    public BlobGate[] Gates { get; }

    public OciLayoutStore Inner => _inner;

    /// <summary>Every PutAsync call (items and manifests) the store has seen.</summary>
    public IReadOnlyList<Task> Puts => _puts.ToArray();

    public Task<long?> StatAsync(Digest digest, CancellationToken ct = default)
    {
        if (_items.TryGetValue(digest, out var i))
            Log.Add("start", i);
        return _inner.StatAsync(digest, ct);
    }

    public async Task<Stream?> OpenReadAsync(Digest digest, CancellationToken ct = default)
    {
        var stream = await _inner.OpenReadAsync(digest, ct);
        if (stream is null || !_items.TryGetValue(digest, out var i))
            return stream;
        Log.Add("start", i);
        return Gate(stream, i, stream.Length, () => Log.Add("end", i));
    }

    public Task PutAsync(Descriptor expected, Stream content, CancellationToken ct = default)
    {
        var put = PutCoreAsync(expected, content, ct);
        _puts.Enqueue(put);
        return put;
    }

    private async Task PutCoreAsync(Descriptor expected, Stream content, CancellationToken ct)
    {
        if (!_items.TryGetValue(expected.Digest, out var i))
        {
            await _inner.PutAsync(expected, content, ct);
            return;
        }
        try
        {
            await _inner.PutAsync(expected, Gate(content, i, expected.Size, onDispose: null), ct);
        }
        finally
        {
            Log.Add("end", i);
        }
    }

    private GatedStream Gate(Stream content, int i, long size, Action? onDispose) =>
        new(content, Math.Max(1, size / 2), Gates[i], () => Log.Add("paused", i), () => Log.Add("fail", i), onDispose);

    public Task<Descriptor?> ResolveTagAsync(string tag, CancellationToken ct = default) => _inner.ResolveTagAsync(tag, ct);

    public Task SetTagAsync(string tag, Descriptor manifest, CancellationToken ct = default) => _inner.SetTagAsync(tag, manifest, ct);

    public Task<IReadOnlyList<(string Tag, Descriptor Manifest)>> ListTagsAsync(CancellationToken ct = default) => _inner.ListTagsAsync(ct);

    /// <summary>Every file under the layout (blobs, index.json, the ingest directory) with its length: what "written" means.</summary>
    public IReadOnlyList<string> FileSet() =>
        Directory.EnumerateFiles(_inner.Directory, "*", SearchOption.AllDirectories)
            .Select(f => $"{Path.GetRelativePath(_inner.Directory, f)}:{new FileInfo(f).Length}")
            .Order(StringComparer.Ordinal)
            .ToList();
}
