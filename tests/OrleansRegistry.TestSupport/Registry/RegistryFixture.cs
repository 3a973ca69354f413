
namespace OrleansRegistry.TestSupport.Registry;

/// <summary>One real registry (process + fresh database + fresh data directory) shared by a test collection.</summary>
public sealed class RegistryFixture : IAsyncLifetime
{
    private RegistryProcess? _registry;

    public RegistryProcess Registry => _registry ?? throw new InvalidOperationException("not started");

    public HttpClient Client => Registry.Client;

    public string ConnectionString { get; private set; } = "";

    public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), $"oreg-test-{Guid.NewGuid():N}");

    /// <summary>Settings (environment variables) the server starts with.</summary>
    public Dictionary<string, string> Settings { get; } = new();

    public async Task InitializeAsync()
    {
        var server = await PostgresServer.GetAsync();
        ConnectionString = await server.CreateDatabaseAsync("registry");
        Directory.CreateDirectory(DataDirectory);
        _registry = await RegistryProcess.StartAsync(ConnectionString, DataDirectory, Settings);
    }

    /// <summary>Stops the server and starts it again on the same database and data directory.</summary>
    public async Task RestartAsync()
    {
        var port = Registry.BaseAddress.Port;
        await Registry.DisposeAsync();
        _registry = await RegistryProcess.StartAsync(ConnectionString, DataDirectory, Settings, port);
    }

    public async Task DisposeAsync()
    {
        if (_registry is not null) await _registry.DisposeAsync();
        try { Directory.Delete(DataDirectory, recursive: true); } catch (IOException) { }
    }
}
