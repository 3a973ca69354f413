using OrleansRegistry.TestSupport.Interop;
using OrleansRegistry.TestSupport.Registry;

namespace OrleansRegistry.TestSupport.Mirrors;

/// <summary>
/// An upstream (CNCF distribution 2.8.2 on loopback) and our registry mirroring it under <see cref="Prefix"/>: the
/// registry starts once the upstream's address is known. A derived fixture adds mirror settings in
/// <see cref="Configure"/>.
/// </summary>
public class MirrorRegistryFixture : IAsyncLifetime
{
    public const string Prefix = "hub";

    public DistributionRegistryFixture Upstream { get; } = new();

    public RegistryFixture Mirror { get; } = new();

    public string MirrorHost => Mirror.Registry.HostPort;

    /// <summary>The mirror's setting <paramref name="name"/> of the first mirror (<c>Registry:Mirrors:0:NAME</c>) as an environment variable.</summary>
    public static string Setting(string name, int mirror = 0) => $"Registry__Mirrors__{mirror}__{name}";

    protected virtual void Configure(Dictionary<string, string> settings)
    {
    }

    public async Task InitializeAsync()
    {
        await Upstream.InitializeAsync();
        Mirror.Settings[Setting("Url")] = $"http://{Upstream.HostPort}";
        Mirror.Settings[Setting("Prefix")] = Prefix;
        Configure(Mirror.Settings);
        await Mirror.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await Mirror.DisposeAsync();
        await Upstream.DisposeAsync();
    }
}
