using OrleansRegistry.TestSupport.Security;

namespace OrleansRegistry.TestSupport.Mirrors;

/// <summary>
/// The mirror with authentication on and the access rules docs/configuration.md#mirrors shows: anyone, anonymous
/// included, may pull <c>hub/**</c>; authenticated users may do anything elsewhere.
/// </summary>
public sealed class SecuredMirrorFixture : MirrorFixture
{
    private MirroringRegistry? _registry;

    public SecuredRegistryFixture Mirror => _registry ?? throw new InvalidOperationException("not started");

    protected override Task StartMirrorAsync(IReadOnlyDictionary<string, string> settings)
    {
        _registry = new MirroringRegistry(new Dictionary<string, string>(settings)
        {
            ["Registry__Auth__Rules__0__Repository"] = $"{Prefix}/**",
            ["Registry__Auth__Rules__0__Users__0"] = "*",
            ["Registry__Auth__Rules__0__Anonymous"] = "true",
            ["Registry__Auth__Rules__0__Actions__0"] = "pull",
            ["Registry__Auth__Rules__1__Repository"] = "**",
            ["Registry__Auth__Rules__1__Users__0"] = "*",
            ["Registry__Auth__Rules__1__Actions__0"] = "*",
        });
        return _registry.InitializeAsync();
    }

    protected override Task StopMirrorAsync() => _registry?.DisposeAsync() ?? Task.CompletedTask;

    private sealed class MirroringRegistry(IReadOnlyDictionary<string, string> settings) : SecuredRegistryFixture
    {
        protected override void Configure(IDictionary<string, string> target)
        {
            foreach (var (name, value) in settings) target[name] = value;
        }
    }
}
