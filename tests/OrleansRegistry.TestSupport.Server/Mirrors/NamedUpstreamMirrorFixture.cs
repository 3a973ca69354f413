namespace OrleansRegistry.TestSupport.Mirrors;

/// <summary>
/// <see cref="MirrorRegistryFixture"/> whose mirror names its upstream <see cref="Name"/>, a host that does not exist:
/// a client told to pull <c>upstream.test/REPO:TAG</c> from this registry (containerd's hosts.toml, podman's
/// registries.conf) can have got the upstream's image only through the mirror.
/// </summary>
public sealed class NamedUpstreamMirrorFixture : MirrorRegistryFixture
{
    public const string Name = "upstream.test";

    protected override void Configure(Dictionary<string, string> settings) => settings[Setting("Namespace")] = Name;
}
