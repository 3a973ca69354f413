using OrleansRegistry.TestSupport.Interop;
using OrleansRegistry.TestSupport.Network;

namespace OrleansRegistry.TestSupport.Mirrors;

/// <summary>
/// An upstream (CNCF distribution 2.8.2 on loopback, its requests counted: <see cref="UpstreamRegistryFixture"/>)
/// reached through a <see cref="FaultProxy"/> (passing everything through until a test says otherwise), and our
/// registry mirroring it under <see cref="Prefix"/>, started by the derived fixture (one server, or a cluster) once
/// the upstream's address is known, with the settings <see cref="Configure"/> adds.
/// </summary>
public abstract class MirrorFixture : IAsyncLifetime
{
    public const string Prefix = "hub";

    private FaultProxy? _proxy;

    public UpstreamRegistryFixture Upstream { get; } = new();

    /// <summary>What the mirror connects to: the upstream, unless told to misbehave.</summary>
    public FaultProxy Proxy => _proxy ?? throw new InvalidOperationException("not started");

    /// <summary>The upstream as the mirror's configuration names it (the proxy's address): the mirror's namespace.</summary>
    public string UpstreamNamespace => Proxy.HostPort;

    /// <summary>Setting <paramref name="name"/> of a mirror (<c>Registry:Mirrors:N:NAME</c>) as an environment variable.</summary>
    public static string Setting(string name, int mirror = 0) => $"Registry__Mirrors__{mirror}__{name}";

    /// <summary>The local name of upstream repository <paramref name="upstream"/>.</summary>
    public static string Local(string upstream) => $"{Prefix}/{upstream}";

    protected virtual void Configure(Dictionary<string, string> settings)
    {
    }

    /// <summary>Starts the mirroring registry with <paramref name="settings"/> (environment variables).</summary>
    protected abstract Task StartMirrorAsync(IReadOnlyDictionary<string, string> settings);

    protected abstract Task StopMirrorAsync();

    public async Task InitializeAsync()
    {
        await Upstream.InitializeAsync();
        _proxy = await FaultProxy.StartAsync(Upstream.HostPort);
        var settings = new Dictionary<string, string>
        {
            [Setting("Url")] = $"http://{_proxy.HostPort}",
            [Setting("Prefix")] = Prefix,
        };
        Configure(settings);
        await StartMirrorAsync(settings);
    }

    public async Task DisposeAsync()
    {
        await StopMirrorAsync();
        if (_proxy is not null) await _proxy.DisposeAsync();
        await Upstream.DisposeAsync();
    }
}
