using OrleansRegistry.TestSupport.Registry;

namespace OrleansRegistry.TestSupport.Mirrors;

/// <summary>
/// One registry server mirroring the upstream of <see cref="MirrorFixture"/>. A derived fixture adds mirror settings
/// in <see cref="MirrorFixture.Configure"/>.
/// </summary>
public class MirrorRegistryFixture : MirrorFixture
{
    public RegistryFixture Mirror { get; } = new();

    public string MirrorHost => Mirror.Registry.HostPort;

    protected override Task StartMirrorAsync(IReadOnlyDictionary<string, string> settings)
    {
        foreach (var (name, value) in settings) Mirror.Settings[name] = value;
        return Mirror.InitializeAsync();
    }

    protected override Task StopMirrorAsync() => Mirror.DisposeAsync();
}
