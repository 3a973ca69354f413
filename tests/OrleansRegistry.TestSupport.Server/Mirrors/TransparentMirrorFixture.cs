namespace OrleansRegistry.TestSupport.Mirrors;

/// <summary>
/// <see cref="MirrorRegistryFixture"/> whose mirror is transparent (<c>Prefix</c> <c>""</c>) and has Docker Hub's
/// namespace <c>docker.io</c>: the upstream's <c>library/demo</c> is this registry's <c>library/demo</c>, as docker's
/// <c>registry-mirrors</c> asks for it.
/// </summary>
public sealed class TransparentMirrorFixture : MirrorRegistryFixture
{
    public const string Namespace = "docker.io";

    protected override void Configure(Dictionary<string, string> settings)
    {
        settings[Setting("Prefix")] = "";
        settings[Setting("Namespace")] = Namespace;
    }
}
