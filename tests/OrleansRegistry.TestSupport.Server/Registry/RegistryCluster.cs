namespace OrleansRegistry.TestSupport.Registry;

/// <summary>
/// N registry silos as one Orleans cluster, as operators run it (docs/architecture.md#shape): every silo a real server process
/// (<see cref="RegistryProcess"/>) with its own HTTP, silo and gateway ports, all on ONE fresh database (membership
/// through <c>Registry__Clustering=AdoNet</c>, one <c>Registry__ClusterId</c>) and ONE data directory (the shared blob
/// store). Silo <c>i</c> can be killed (SIGKILL), stopped (SIGTERM) and started again as a replacement on fresh ports.
/// The cluster holds one <see cref="ServerSlots"/> slot per silo for its whole life, taken all at once.
/// Use it with <c>await using var cluster = await RegistryCluster.CreateAsync(3)</c>, or as an xunit fixture (a
/// subclass with a parameterless constructor).
/// </summary>
public class RegistryCluster : IAsyncLifetime, IAsyncDisposable
{
    private readonly RegistryProcess?[] _silos;
    private readonly Dictionary<string, string> _settings;
    private ServerSlotLease? _slots;

    /// <param name="silos">How many silos.</param>
    /// <param name="settings">Extra settings (environment variables) for every silo.</param>
    public RegistryCluster(int silos, IReadOnlyDictionary<string, string>? settings = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(silos, 1);
        _silos = new RegistryProcess?[silos];
        _settings = new Dictionary<string, string>(settings ?? new Dictionary<string, string>());
    }

    /// <summary>A started cluster of <paramref name="silos"/> silos (see <see cref="InitializeAsync"/>).</summary>
    public static async Task<RegistryCluster> CreateAsync(int silos, IReadOnlyDictionary<string, string>? settings = null)
    {
        var cluster = new RegistryCluster(silos, settings);
        try
        {
            await cluster.InitializeAsync();
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    public int Count => _silos.Length;

    /// <summary>The membership's deployment id (the <c>DeploymentId</c> column of <c>OrleansMembershipTable</c>).</summary>
    public string ClusterId { get; } = $"cluster-{Guid.NewGuid():N}";

    public string ConnectionString { get; private set; } = "";

    public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), $"oreg-cluster-{Guid.NewGuid():N}");

    /// <summary>Silo <paramref name="i"/>, which must be running (started and not killed or stopped since).</summary>
    public RegistryProcess Silo(int i) => _silos[i] switch
    {
        { HasExited: false } silo => silo,
        { } gone => throw new InvalidOperationException($"silo {i} is not running: it {gone.ExitReport}"),
        null => throw new InvalidOperationException($"silo {i} is not running (not started, or its restart failed)"),
    };

    public HttpClient Client(int i) => Silo(i).Client;

    public Uri BaseAddress(int i) => Silo(i).BaseAddress;

    public int ProcessId(int i) => Silo(i).ProcessId;

    /// <summary>Creates the database and the data directory, then starts every silo; returns when each answers <c>GET /v2/</c>.</summary>
    public async Task InitializeAsync()
    {
        var server = await PostgresServer.GetAsync();
        ConnectionString = await server.CreateDatabaseAsync("cluster");
        Directory.CreateDirectory(DataDirectory);
        _settings["Registry__Clustering"] = "AdoNet";
        _settings["Registry__ClusterId"] = ClusterId;
        _slots = await ServerSlots.Run.TakeAsync(Count);
        await Task.WhenAll(Enumerable.Range(0, Count).Select(i => StartAsync(i)));
    }

    /// <summary>Starts silo <paramref name="i"/> (again: a replacement on fresh ports) and waits until it answers <c>GET /v2/</c>.</summary>
    public async Task StartAsync(int i)
    {
        if (_silos[i] is { HasExited: false }) throw new InvalidOperationException($"silo {i} is running");
        if (_silos[i] is { } dead) await dead.DisposeAsync();
        _silos[i] = null;
        _silos[i] = await RegistryProcess.StartAsync(ConnectionString, DataDirectory, _settings, heldSlot: _slots);
    }

    /// <summary>SIGKILL (kill -9) to silo <paramref name="i"/>: no goodbye to the cluster; returns once the process is gone.</summary>
    public void Kill(int i) => Silo(i).Kill();

    /// <summary>SIGTERM to silo <paramref name="i"/>: it leaves the cluster gracefully; returns once the process is gone.</summary>
    public Task StopAsync(int i) => Silo(i).StopAsync();

    /// <summary>Stops every silo (in parallel, gracefully, killed after 30 s) and deletes the data directory.</summary>
    public async ValueTask DisposeAsync()
    {
        await Task.WhenAll(_silos.OfType<RegistryProcess>().Select(s => s.DisposeAsync().AsTask()));
        Array.Clear(_silos);
        _slots?.Dispose();
        _slots = null;
        try { Directory.Delete(DataDirectory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    Task IAsyncLifetime.DisposeAsync() => DisposeAsync().AsTask();
}
