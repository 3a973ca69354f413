using OrleansRegistry.Core;

namespace OrleansRegistry.TestSupport.Interop;

/// <summary>
/// CNCF distribution 2.8.2 as the upstream of a pull-through mirror, with its access log on and parsed, so a test
/// counts what reached the upstream (<see cref="Requests"/>, <see cref="BlobGets(Digest)"/>,
/// <see cref="ManifestRequests"/>). distribution logs a request when its handler returns, from another process:
/// <see cref="SettleAsync"/> waits until every request answered before the call is in the log.
/// <see cref="DistributionRegistryFixture.StopAsync"/> / <see cref="DistributionRegistryFixture.StartAgainAsync"/>
/// make it "down, then back" on the same port with the same storage; the log spans both runs.
/// </summary>
public sealed class UpstreamRegistryFixture : DistributionRegistryFixture
{
    private const string SettlePath = "/v2/";
    private readonly List<AccessLogEntry> _requests = [];

    protected override bool AccessLog => true;

    public Uri Registry => new($"http://{HostPort}/");

    /// <summary>Builds an image (<see cref="PushedImage.PushAsync"/>) and pushes it here as <c>REPOSITORY:TAG</c>.</summary>
    public Task<PushedImage> PushImageAsync(string repository, string tag, int seed, int layerBytes = PushedImage.LargeLayerBytes,
        bool dockerSchema2 = false) =>
        PushedImage.PushAsync(HostPort, repository, tag, Root.Path, seed, layerBytes, dockerSchema2);

    /// <summary>Every request logged so far, oldest first (the probes the fixture sends at each start included).</summary>
    public IReadOnlyList<AccessLogEntry> Requests
    {
        get { lock (_requests) return _requests.ToList(); }
    }

    /// <summary>Forgets the requests logged so far (a test counts from here).</summary>
    public void ClearRequests()
    {
        lock (_requests) _requests.Clear();
    }

    /// <summary>GETs of the blob in any repository answered 200 or 206: what a fetch of its bytes cost the upstream.</summary>
    public int BlobGets(Digest digest) =>
        Requests.Count(r => r.Method == "GET" && r.Status is 200 or 206 && r.Path.StartsWith("/v2/", StringComparison.Ordinal)
            && r.Path.EndsWith($"/blobs/{digest}", StringComparison.Ordinal));

    public int BlobGets(string digest) => BlobGets(Digest.Parse(digest));

    /// <summary>Requests with <paramref name="method"/> for <c>/v2/REPOSITORY/manifests/REFERENCE</c>, whatever their status.</summary>
    public int ManifestRequests(string repository, string reference, string method = "GET") =>
        Requests.Count(r => r.Method == method && r.Path == $"/v2/{repository}/manifests/{reference}");

    /// <summary>
    /// Sends a marker request and waits (bounded) until distribution has logged it: requests answered before this call
    /// were logged before it, since each is logged as its handler returns and the marker came after.
    /// </summary>
    public async Task SettleAsync(TimeSpan? timeout = null)
    {
        var marker = $"{SettlePath}?settle={Guid.NewGuid():N}";
        using var response = await Client.GetAsync(marker);
        await Eventually.TrueAsync(() => Requests.Any(r => r.Target == marker), timeout ?? TimeSpan.FromSeconds(10),
            $"distribution on {HostPort} to log {marker}", () => Output);
    }

    protected override void OnStandardOutputLine(string line)
    {
        if (AccessLogEntry.TryParse(line) is { } entry)
            lock (_requests) _requests.Add(entry);
    }
}
