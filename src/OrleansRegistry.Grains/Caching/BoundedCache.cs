namespace OrleansRegistry.Grains.Caching;

/// <summary>
/// A grain activation's read cache with a hard size bound: a repository with a million tags must not pin a
/// million entries in memory. When full it starts over, which is cheap and keeps the hot entries coming back.
/// Not thread-safe: a grain activation runs one turn at a time.
/// </summary>
public sealed class BoundedCache<TKey, TValue>(int capacity) where TKey : notnull
{
    private readonly Dictionary<TKey, TValue> _entries = new();

    public bool TryGet(TKey key, out TValue value) => _entries.TryGetValue(key, out value!);

    public void Set(TKey key, TValue value)
    {
        if (_entries.Count >= capacity && !_entries.ContainsKey(key)) _entries.Clear();
        _entries[key] = value;
    }

    public void Remove(TKey key) => _entries.Remove(key);
}
