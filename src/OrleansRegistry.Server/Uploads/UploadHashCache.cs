using System.Collections.Concurrent;
using OrleansRegistry.Core;

namespace OrleansRegistry.Server.Uploads;

/// <summary>
/// Hash state of uploads written through this silo, keyed by upload id and valid only at the offset it reached.
/// It lets the usual one-stream upload (POST, PATCH, PUT) finish without reading its data again; when the next
/// chunk or the finish lands on another silo, or after a dropped chunk, the state is missing and the finish
/// re-reads the data once instead.
/// </summary>
public sealed class UploadHashCache
{
    private const int Capacity = 1024;
    private readonly ConcurrentDictionary<string, (long Offset, DigestHasher Hasher)> _entries = new();

    /// <summary>Removes and returns the hash state of an upload if it covers exactly <paramref name="offset"/> bytes.</summary>
    public DigestHasher? Take(string uploadId, long offset)
    {
        if (!_entries.TryRemove(uploadId, out var entry)) return null;
        if (entry.Offset == offset) return entry.Hasher;
        entry.Hasher.Dispose();
        return null;
    }

    public void Put(string uploadId, long offset, DigestHasher hasher)
    {
        if (_entries.Count >= Capacity) Clear(); // abandoned uploads must not pin memory; finishing re-reads instead
        if (!_entries.TryAdd(uploadId, (offset, hasher))) hasher.Dispose();
    }

    public void Forget(string uploadId)
    {
        if (_entries.TryRemove(uploadId, out var entry)) entry.Hasher.Dispose();
    }

    private void Clear()
    {
        foreach (var key in _entries.Keys) Forget(key);
    }
}
