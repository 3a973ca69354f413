using System.Diagnostics.Metrics;

namespace OrleansRegistry.Grains.Mirrors;

/// <summary>
/// Mirror instruments on <see cref="RegistryMeter"/>, each with the tag <c>upstream</c> (the mirror's namespace):
/// hits and misses of pulls, upstream requests by status, bytes fetched and bytes served from the cache, stale answers
/// and fetches in flight. Counts are this silo's.
/// </summary>
public sealed class MirrorMetrics
{
    private readonly Counter<long> _hits;
    private readonly Counter<long> _misses;
    private readonly Counter<long> _requests;
    private readonly Counter<long> _fetched;
    private readonly Counter<long> _served;
    private readonly Counter<long> _stale;
    private readonly UpDownCounter<long> _inFlight;

    public MirrorMetrics(IMeterFactory meters)
    {
        var meter = RegistryMeter.Create(meters);
        _hits = meter.CreateCounter<long>("registry.mirror.hits", "{request}", "Mirrored pulls answered from the cache (kind: tag, blob)");
        _misses = meter.CreateCounter<long>("registry.mirror.misses", "{request}", "Mirrored pulls that needed the upstream (kind: tag, manifest, blob)");
        _requests = meter.CreateCounter<long>("registry.mirror.upstream.requests", "{request}", "Requests sent to an upstream, by status (or 'failed': no answer)");
        _fetched = meter.CreateCounter<long>("registry.mirror.fetched", "By", "Blob bytes received from an upstream");
        _served = meter.CreateCounter<long>("registry.mirror.served", "By", "Blob bytes of mirrored repositories sent to clients from the cache");
        _stale = meter.CreateCounter<long>("registry.mirror.stale", "{request}", "Tag pulls answered with the cached digest because the upstream could not answer");
        _inFlight = meter.CreateUpDownCounter<long>("registry.mirror.fetches", "{fetch}", "Blob fetches from an upstream running on this silo");
    }

    public void Hit(string upstream, string kind) => _hits.Add(1, Upstream(upstream), Kind(kind));

    public void Miss(string upstream, string kind) => _misses.Add(1, Upstream(upstream), Kind(kind));

    public void UpstreamRequest(string upstream, string status) =>
        _requests.Add(1, Upstream(upstream), new KeyValuePair<string, object?>("status", status));

    public void Fetched(string upstream, long bytes) => _fetched.Add(bytes, Upstream(upstream));

    public void Served(string upstream, long bytes) => _served.Add(bytes, Upstream(upstream));

    public void Stale(string upstream) => _stale.Add(1, Upstream(upstream));

    public void FetchStarted(string upstream) => _inFlight.Add(1, Upstream(upstream));

    public void FetchEnded(string upstream) => _inFlight.Add(-1, Upstream(upstream));

    private static KeyValuePair<string, object?> Upstream(string upstream) => new("upstream", upstream);

    private static KeyValuePair<string, object?> Kind(string kind) => new("kind", kind);
}
