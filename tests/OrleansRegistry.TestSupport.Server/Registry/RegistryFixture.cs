namespace OrleansRegistry.TestSupport.Registry;

/// <summary>
/// One real registry (process + fresh database + fresh data directory) shared by a test collection. A class deriving
/// from it fills <see cref="Settings"/> in its constructor for a server configured otherwise.
/// </summary>
public class RegistryFixture : IAsyncLifetime
{
    private RegistryProcess? _registry;
    private ServerSlotLease? _slot;

    public RegistryProcess Registry => _registry ?? throw new InvalidOperationException("not started");

    public HttpClient Client => Registry.Client;

    public string ConnectionString { get; private set; } = "";

    public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), $"oreg-test-{Guid.NewGuid():N}");

    /// <summary>Settings (environment variables) the server starts with.</summary>
    public Dictionary<string, string> Settings { get; } = new();

    /// <summary>The HTTP port to serve on (null: any free one), for a test about a particular port.</summary>
    public int? HttpPort { get; init; }

    public async Task InitializeAsync()
    {
        var server = await PostgresServer.GetAsync();
        ConnectionString = await server.CreateDatabaseAsync("registry");
        Directory.CreateDirectory(DataDirectory);
        // Held across restarts, so a restart never waits for a slot.
        _slot = await ServerSlots.Run.TakeAsync();
        _registry = await RegistryProcess.StartAsync(ConnectionString, DataDirectory, Settings, HttpPort, _slot);
    }

    /// <summary>Stops the server and starts it again on the same database, data directory and HTTP port.</summary>
    public async Task RestartAsync()
    {
        var port = Registry.BaseAddress.Port;
        await Registry.DisposeAsync();
        _registry = null;
        _registry = await RegistryProcess.StartAsync(ConnectionString, DataDirectory, Settings, port, _slot);
    }

    public async Task DisposeAsync()
    {
        if (_registry is not null) await _registry.DisposeAsync();
        _slot?.Dispose();
        try { Directory.Delete(DataDirectory, recursive: true); } catch (IOException) { }
    }
}
