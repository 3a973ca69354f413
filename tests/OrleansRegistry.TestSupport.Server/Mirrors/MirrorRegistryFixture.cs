using OrleansRegistry.TestSupport.Interop;
using OrleansRegistry.TestSupport.Network;
using OrleansRegistry.TestSupport.Registry;

namespace OrleansRegistry.TestSupport.Mirrors;

/// <summary>
/// An upstream (CNCF distribution 2.8.2 on loopback, its requests counted: <see cref="UpstreamRegistryFixture"/>)
/// reached through a <see cref="FaultProxy"/> (passing everything through until a test says otherwise), and our
/// registry mirroring it under <see cref="Prefix"/>, started once the upstream's address is known. A derived fixture
/// adds mirror settings in <see cref="Configure"/>.
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

    /// <summary>The upstream as the mirror's configuration names it (the proxy's address): the mirror's namespace.</summary>
    public string UpstreamNamespace => Proxy.HostPort;

    /// <summary>Setting <paramref name="name"/> of a mirror (<c>Registry:Mirrors:N:NAME</c>) as an environment variable.</summary>
    public static string Setting(string name, int mirror = 0) => $"Registry__Mirrors__{mirror}__{name}";

    /// <summary>The local name of upstream repository <paramref name="upstream"/>.</summary>
    public static string Local(string upstream) => $"{Prefix}/{upstream}";

    protected virtual void Configure(Dictionary<string, string> settings)
    {
    }

    public async Task InitializeAsync()
    {
        await Upstream.InitializeAsync();
        _proxy = await FaultProxy.StartAsync(Upstream.HostPort);
        Mirror.Settings[Setting("Url")] = $"http://{_proxy.HostPort}";
        Mirror.Settings[Setting("Prefix")] = Prefix;
        Configure(Mirror.Settings);
        await Mirror.InitializeAsync();
    }

    public virtual async Task DisposeAsync()
    {
        await Mirror.DisposeAsync();
        if (_proxy is not null) await _proxy.DisposeAsync();
        await Upstream.DisposeAsync();
    }
}
