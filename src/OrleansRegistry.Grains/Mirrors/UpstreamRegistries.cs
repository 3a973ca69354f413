using System.Collections.Concurrent;

namespace OrleansRegistry.Grains.Mirrors;

/// <summary>This silo's <see cref="UpstreamRegistry"/> per mirror, made at first use and shared by all its grains.</summary>
public sealed class UpstreamRegistries(MirrorMetrics metrics, TimeProvider time) : IDisposable
{
    private readonly ConcurrentDictionary<Mirror, Lazy<UpstreamRegistry>> _upstreams = new();

    public UpstreamRegistry For(Mirror mirror) =>
        _upstreams.GetOrAdd(mirror, m => new Lazy<UpstreamRegistry>(() => new UpstreamRegistry(m, metrics, time))).Value;

    public void Dispose()
    {
        foreach (var upstream in _upstreams.Values.Where(u => u.IsValueCreated)) upstream.Value.Dispose();
    }
}
