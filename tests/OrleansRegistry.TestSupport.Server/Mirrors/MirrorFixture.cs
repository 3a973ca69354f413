using OrleansRegistry.TestSupport.Interop;
using OrleansRegistry.TestSupport.Network;

namespace OrleansRegistry.TestSupport.Mirrors;

/// <summary>
/// An upstream (CNCF distribution 2.8.2 on loopback, its requests counted: <see cref="UpstreamRegistryFixture"/>)
/// reached through a <see cref="FaultProxy"/> (passing everything through until a test says otherwise), and our
/// registry mirroring it under <see cref="Prefix"/>, started by the derived fixture (one server, or a cluster) once
/// the upstream's address is known, with the settings <see cref="Configure"/> adds; further upstreams (mirrors 1, 2, …)
/// start in <see cref="StartUpstreamsAsync"/>.
/// </summary>
public abstract class MirrorFixture : IAsyncLifetime
{
    public const string Prefix = "hub";

    private FaultProxy? _proxy;
    private string? _namespace;

    public UpstreamRegistryFixture Upstream { get; } = new();

    /// <summary>What the mirror connects to: the upstream, unless told to misbehave.</summary>
    public FaultProxy Proxy => _proxy ?? throw new InvalidOperationException("not started");

    /// <summary>The mirror's namespace: its <c>Namespace</c> setting, else the upstream as its URL names it (the proxy's address).</summary>
    public string UpstreamNamespace => _namespace ?? Proxy.HostPort;

    /// <summary>Setting <paramref name="name"/> of a mirror (<c>Registry:Mirrors:N:NAME</c>) as an environment variable.</summary>
    public static string Setting(string name, int mirror = 0) => $"Registry__Mirrors__{mirror}__{name}";

    /// <summary>The local name of upstream repository <paramref name="upstream"/>.</summary>
    public static string Local(string upstream) => $"{Prefix}/{upstream}";

    /// <summary>
    /// Mirror number <paramref name="mirror"/> (1, 2, …) of <paramref name="url"/> under <paramref name="prefix"/>, its
    /// namespace the prefix (so two mirrors of one upstream differ), with further <c>(NAME, value)</c> settings.
    /// </summary>
    protected static void AddMirror(Dictionary<string, string> settings, int mirror, string url, string prefix,
        params (string Name, string Value)[] more)
    {
        settings[Setting("Url", mirror)] = url;
        settings[Setting("Prefix", mirror)] = prefix;
        settings[Setting("Namespace", mirror)] = prefix;
        foreach (var (name, value) in more) settings[Setting(name, mirror)] = value;
    }

    protected virtual void Configure(Dictionary<string, string> settings)
    {
    }

    /// <summary>Starts the further upstreams a derived fixture mirrors, before <see cref="Configure"/> names them.</summary>
    protected virtual Task StartUpstreamsAsync() => Task.CompletedTask;

    /// <summary>Stops what <see cref="StartUpstreamsAsync"/> started, once the mirror has stopped.</summary>
    protected virtual Task StopUpstreamsAsync() => Task.CompletedTask;

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
        await StartUpstreamsAsync();
        Configure(settings);
        _namespace = settings.GetValueOrDefault(Setting("Namespace"));
        await StartMirrorAsync(settings);
    }

    public virtual async Task DisposeAsync()
    {
        await StopMirrorAsync();
        await StopUpstreamsAsync();
        if (_proxy is not null) await _proxy.DisposeAsync();
        await Upstream.DisposeAsync();
    }
}
