using OrleansRegistry.TestSupport.Registry;

namespace OrleansRegistry.TestSupport.S3;

/// <summary>
/// A real registry server whose blob store is a bucket on its own moto server (xunit class fixture); a derived fixture
/// passes more settings.
/// </summary>
public class S3RegistryFixture : IAsyncLifetime
{
    private readonly IReadOnlyDictionary<string, string> _settings;

    public S3RegistryFixture() : this(new Dictionary<string, string>()) { }

    protected S3RegistryFixture(IReadOnlyDictionary<string, string> settings) => _settings = settings;

    public S3Fixture S3 { get; } = new();

    public RegistryFixture Server { get; } = new();

    public async Task InitializeAsync()
    {
        await S3.InitializeAsync();
        foreach (var (key, value) in S3.ServerSettings().Concat(_settings))
            Server.Settings[key] = value;
        await Server.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        await S3.DisposeAsync();
    }
}
