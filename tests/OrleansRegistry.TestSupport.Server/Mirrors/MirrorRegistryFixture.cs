using OrleansRegistry.TestSupport.Interop;
using OrleansRegistry.TestSupport.Network;
using OrleansRegistry.TestSupport.Registry;

namespace OrleansRegistry.TestSupport.Mirrors;

/// <summary>
/// An upstream (CNCF distribution 2.8.2 on loopback, its requests counted: <see cref="UpstreamRegistryFixture"/>)
/// reached through a <see cref="FaultProxy"/> (passing everything through until a test says otherwise), and our
/// registry mirroring it under <see cref="Prefix"/>, started once the upstream's address is known. A derived fixture
/// adds mirror settings in <see cref="Configure"/>, and further upstreams (mirrors 1, 2, …) in <see cref="StartUpstreamsAsync"/>.
/// </summary>
public class MirrorRegistryFixture : IAsyncLifetime
{
    public const string Prefix = "hub";

    private FaultProxy? _proxy;

    public UpstreamRegistryFixture Upstream { get; } = new();

    /// <summary>What the mirror connects to: the upstream, unless told to misbehave.</summary>
    public FaultProxy Proxy => _proxy ?? throw new InvalidOperationException("not started");

    public RegistryFixture Mirror { get; } = new();

    public string MirrorHost => Mirror.Registry.HostPort;

    /// <summary>The mirror's namespace: its <c>Namespace</c> setting, else the upstream as its URL names it (the proxy's address).</summary>
    public string UpstreamNamespace => Mirror.Settings.GetValueOrDefault(Setting("Namespace")) ?? Proxy.HostPort;

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

    public async Task InitializeAsync()
    {
        await Upstream.InitializeAsync();
        _proxy = await FaultProxy.StartAsync(Upstream.HostPort);
        Mirror.Settings[Setting("Url")] = $"http://{_proxy.HostPort}";
        Mirror.Settings[Setting("Prefix")] = Prefix;
        await StartUpstreamsAsync();
        Configure(Mirror.Settings);
        await Mirror.InitializeAsync();
    }

    public virtual async Task DisposeAsync()
    {
        await Mirror.DisposeAsync();
        await StopUpstreamsAsync();
        if (_proxy is not null) await _proxy.DisposeAsync();
        await Upstream.DisposeAsync();
    }
}
