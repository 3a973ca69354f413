using System.Diagnostics;
using System.Text;

namespace OrleansRegistry.TestSupport.Registry;

/// <summary>
/// The real registry server as a child process on loopback: the same binary scripts/run starts, with its own
/// database, data directory and ports. Stopping sends SIGTERM, as Ctrl-C would.
/// </summary>
public sealed class RegistryProcess : IAsyncDisposable
{
    /// <summary>The server binary built beside the tests (also run directly, e.g. in <c>migrate</c> mode).</summary>
    public static readonly string ServerDll = Path.Combine(AppContext.BaseDirectory, "OrleansRegistry.Server.dll");
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private RegistryProcess(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
        Client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromMinutes(5) };
    }

    public Uri BaseAddress { get; }

    /// <summary>host:port, as skopeo and other clients want it.</summary>
    public string HostPort => $"{BaseAddress.Host}:{BaseAddress.Port}";

    public HttpClient Client { get; }

    public int ProcessId => _process.Id;

    public bool HasExited => _process.HasExited;

    public string Output { get { lock (_output) return _output.ToString(); } }

    public static async Task<RegistryProcess> StartAsync(string connectionString, string dataDirectory,
        IReadOnlyDictionary<string, string>? settings = null, int? httpPort = null)
    {
        var port = httpPort ?? FreePort.Next();
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { ServerDll, "--urls", $"http://127.0.0.1:{port}" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.Environment["ConnectionStrings__Registry"] = connectionString;
        start.Environment["Registry__DataDirectory"] = dataDirectory;
        start.Environment["Registry__SiloPort"] = FreePort.Next().ToString();
        start.Environment["Registry__GatewayPort"] = FreePort.Next().ToString();
        start.Environment["Registry__ClusterId"] = $"test-{Guid.NewGuid():N}";
        start.Environment["DOTNET_gcServer"] = "0"; // several servers share the test machine's 2 cores
        foreach (var (key, value) in settings ?? new Dictionary<string, string>()) start.Environment[key] = value;

        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the registry");
        var registry = new RegistryProcess(process, new Uri($"http://127.0.0.1:{port}/"));
        process.OutputDataReceived += (_, e) => registry.Append(e.Data);
        process.ErrorDataReceived += (_, e) => registry.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await registry.WaitUntilReadyAsync();
        return registry;
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
    }

    private async Task WaitUntilReadyAsync()
    {
        using var probe = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited) throw new InvalidOperationException($"registry exited at start:\n{Output}");
            try
            {
                using var response = await probe.GetAsync("v2/");
                if (response.IsSuccessStatusCode) return;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            await Task.Delay(100);
        }
        throw new TimeoutException($"registry did not answer GET /v2/ within 90 s:\n{Output}");
    }

    /// <summary>Graceful stop (SIGTERM), bounded; killed if it does not exit in time.</summary>
    public async Task StopAsync()
    {
        if (_process.HasExited) return;
        if (!OperatingSystem.IsWindows()) PosixSignal.Send(_process.Id, PosixSignal.Terminate);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try { await _process.WaitForExitAsync(cts.Token); }
        catch (OperationCanceledException) { _process.Kill(entireProcessTree: true); await _process.WaitForExitAsync(); }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        Client.Dispose();
        _process.Dispose();
    }
}
