using OrleansRegistry.TestSupport.Registry;

namespace OrleansRegistry.TestSupport.Mirrors;

/// <summary>
/// A <see cref="RegistryCluster"/> of <see cref="Silos"/> silos, every one mirroring the upstream of
/// <see cref="MirrorFixture"/>. A derived fixture adds mirror settings in <see cref="MirrorFixture.Configure"/>.
/// </summary>
public class MirrorClusterFixture : MirrorFixture
{
    public const int Silos = 3;

    private RegistryCluster? _cluster;

    public RegistryCluster Cluster => _cluster ?? throw new InvalidOperationException("not started");

    /// <summary><c>HOST:PORT</c> of silo <paramref name="i"/>, which must be running.</summary>
    public string MirrorHost(int i) => Cluster.Silo(i).HostPort;

    protected override async Task StartMirrorAsync(IReadOnlyDictionary<string, string> settings) =>
        _cluster = await RegistryCluster.CreateAsync(Silos, settings);

    protected override async Task StopMirrorAsync()
    {
        if (_cluster is not null) await _cluster.DisposeAsync();
    }
}
