using OrleansRegistry.TestSupport.Interop;
using OrleansRegistry.TestSupport.Scripts;

namespace OrleansRegistry.TestSupport.Mirrors;

/// <summary>
/// <c>scripts/cluster 3</c> (three silos behind nginx, as an operator starts them) with every silo mirroring the
/// upstream of <see cref="MirrorFixture"/>; clients go through the balancer (<see cref="BalancerHost"/>).
/// </summary>
public sealed class MirrorScriptClusterFixture : MirrorFixture
{
    public const int Silos = 3;

    private readonly TempDirectory _data = new();
    private ClusterScript? _cluster;

    public ClusterScript Cluster => _cluster ?? throw new InvalidOperationException("not started");

    /// <summary><c>HOST:PORT</c> of the balancer.</summary>
    public string BalancerHost => $"127.0.0.1:{Cluster.Port}";

    protected override async Task StartMirrorAsync(IReadOnlyDictionary<string, string> settings) =>
        _cluster = await ClusterScript.StartAsync(_data.Path, Silos, settings);

    protected override async Task StopMirrorAsync()
    {
        if (_cluster is not null) await _cluster.DisposeAsync();
        _data.Dispose();
    }
}
