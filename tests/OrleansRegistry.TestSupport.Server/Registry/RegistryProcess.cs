using System.Diagnostics;
using System.Text;
using OrleansRegistry.TestSupport.Network;

namespace OrleansRegistry.TestSupport.Registry;

/// <summary>
/// The real registry server as a child process on loopback: the same binary scripts/run starts, with its own
/// database, data directory and ports. Stopping sends SIGTERM, as Ctrl-C would.
/// Ports: HTTP binds port 0 and the address is read back from Kestrel's "Now listening on:" line (or the given port,
/// for a restart in place); the Orleans silo and gateway ports are picked, and a start that finds one of them taken is
/// repeated with others (<see cref="BindRetry"/>). Each running server holds a <see cref="ServerSlots"/> slot.
/// </summary>
public sealed class RegistryProcess : IAsyncDisposable
{
    /// <summary>The server binary built beside the tests (also run directly, e.g. in <c>migrate</c> mode).</summary>
    public static readonly string ServerDll = Path.Combine(AppContext.BaseDirectory, "OrleansRegistry.Server.dll");
    private static readonly TimeSpan StartBound = TimeSpan.FromSeconds(90);

    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<Uri> _httpsListening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ServerSlotLease? _ownSlot;
    private Uri? _baseAddress;
    private HttpClient? _client;

    private RegistryProcess(Process process, int siloPort, int gatewayPort, int? requestedHttpPort)
    {
        _process = process;
        RequestedHttpPort = requestedHttpPort;
        SiloPort = siloPort;
        GatewayPort = gatewayPort;
    }

    /// <summary>The plain HTTP address, or the HTTPS one when the server serves HTTPS only (<c>Registry:Tls:Http=false</c>).</summary>
    public Uri BaseAddress => _baseAddress ?? throw new InvalidOperationException("the registry is not listening yet");

    /// <summary>The HTTPS address when <c>Registry:Tls</c> is on, else null.</summary>
    public Uri? HttpsAddress => _httpsListening.Task.IsCompletedSuccessfully ? _httpsListening.Task.Result : null;

    /// <summary>host:port, as skopeo and other clients want it.</summary>
    public string HostPort => $"{BaseAddress.Host}:{BaseAddress.Port}";

    public HttpClient Client => _client ?? throw new InvalidOperationException("the registry is not listening yet");

    public int ProcessId => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>The port given in <c>--urls http://127.0.0.1:PORT</c>, when the caller chose one.</summary>
    public int? RequestedHttpPort { get; }

    /// <summary>The Orleans silo-to-silo port.</summary>
    public int SiloPort { get; }

    /// <summary>The Orleans gateway (client-to-silo) port.</summary>
    public int GatewayPort { get; }

    public string Output { get { lock (_output) return _output.ToString(); } }

    /// <summary>
    /// Starts a server and returns once it answers <c>GET /v2/</c>. <paramref name="httpPort"/> pins the HTTP port (a
    /// restart in place; a bind failure there is retried after a pause). <paramref name="heldSlot"/>: a slot the caller
    /// holds for this server and keeps (a fixture that restarts it, a cluster); without it the server takes a slot of
    /// its own, given back when it is disposed.
    /// </summary>
    public static async Task<RegistryProcess> StartAsync(string connectionString, string dataDirectory,
        IReadOnlyDictionary<string, string>? settings = null, int? httpPort = null, ServerSlotLease? heldSlot = null)
    {
        var ownSlot = heldSlot is null ? await ServerSlots.Run.TakeAsync() : null;
        try
        {
            var registry = await BindRetry.StartAsync("registry server",
                _ => StartOnceAsync(connectionString, dataDirectory, settings ?? new Dictionary<string, string>(), httpPort),
                pause: httpPort is null ? null : TimeSpan.FromSeconds(1));
            registry._ownSlot = ownSlot;
            return registry;
        }
        catch
        {
            ownSlot?.Dispose();
            throw;
        }
    }

    private static async Task<RegistryProcess> StartOnceAsync(string connectionString, string dataDirectory,
        IReadOnlyDictionary<string, string> settings, int? httpPort)
    {
        var (siloPort, gatewayPort) = (LoopbackPorts.Candidate(), LoopbackPorts.Candidate());
        while (gatewayPort == siloPort) gatewayPort = LoopbackPorts.Candidate();
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { ServerDll, "--urls", $"http://127.0.0.1:{httpPort ?? 0}" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.Environment["ConnectionStrings__Registry"] = connectionString;
        start.Environment["Registry__DataDirectory"] = dataDirectory;
        start.Environment["Registry__SiloPort"] = siloPort.ToString();
        start.Environment["Registry__GatewayPort"] = gatewayPort.ToString();
        start.Environment["Registry__ClusterId"] = $"test-{Guid.NewGuid():N}";
        start.Environment["Registry__AdvertisedAddress"] = "127.0.0.1"; // loopback only, even where POD_IP is set
        // Servers of parallel test projects share one PostgreSQL: a few pre-opened connections each (default 16).
        start.Environment["Registry__DatabaseConnections"] = "4";
        start.Environment[KestrelListening.LogSetting.Key] = KestrelListening.LogSetting.Value;
        start.Environment["DOTNET_gcServer"] = "0"; // several servers share the test machine's 2 cores
        foreach (var (key, value) in settings) start.Environment[key] = value;

        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the registry");
        var registry = new RegistryProcess(process, siloPort, gatewayPort, httpPort);
        process.OutputDataReceived += (_, e) => registry.Append(e.Data);
        process.ErrorDataReceived += (_, e) => registry.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await registry.WaitUntilReadyAsync();
            return registry;
        }
        catch
        {
            await registry.DisposeAsync();
            throw;
        }
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
        if (!_listening.Task.IsCompleted && KestrelListening.Parse(line) is { } address)
            _listening.TrySetResult(address);
        if (!_httpsListening.Task.IsCompleted && KestrelListening.ParseHttps(line) is { } https)
            _httpsListening.TrySetResult(https);
    }

    private async Task WaitUntilReadyAsync()
    {
        var watch = Stopwatch.StartNew();
        using var probe = new HttpClient(AnyCertificate()) { Timeout = TimeSpan.FromSeconds(2) };
        while (watch.Elapsed < StartBound)
        {
            if (_process.HasExited)
            {
                await _process.WaitForExitAsync(); // the rest of its output
                var output = Output;
                if (PortInUseException.IsReportedIn(output))
                    throw new PortInUseException($"registry (silo {SiloPort}, gateway {GatewayPort}) could not bind:\n{Tail(output)}");
                throw new InvalidOperationException($"registry exited at start with {_process.ExitCode}:\n{output}");
            }
            // The server binds its http:// addresses before the https one (TlsHosting), and the lines are read in
            // order: an https line without an http line before it means HTTP is off.
            if (_listening.Task.IsCompletedSuccessfully || _httpsListening.Task.IsCompletedSuccessfully)
            {
                _baseAddress ??= _listening.Task.IsCompletedSuccessfully ? _listening.Task.Result : _httpsListening.Task.Result;
                try
                {
                    using var response = await probe.GetAsync(new Uri(_baseAddress, "v2/"));
                    // 401: authentication is on (Registry:Auth), and the registry is answering.
                    if (response.IsSuccessStatusCode || response.StatusCode == System.Net.HttpStatusCode.Unauthorized)
                    {
                        _client = new HttpClient(AnyCertificate()) { BaseAddress = _baseAddress, Timeout = TimeSpan.FromMinutes(5) };
                        return;
                    }
                }
                catch (HttpRequestException) { }
                catch (TaskCanceledException) { }
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"registry did not answer GET /v2/ within {StartBound.TotalSeconds} s:\n{Output}");
    }

    // Start-up probes and the convenience client only; TLS tests check the certificate with clients of their own.
    private static SocketsHttpHandler AnyCertificate() => new()
    {
        SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true },
    };

    /// <summary>How the process ended and the end of its output, for the message of a test that found it gone.</summary>
    public string ExitReport => _process.HasExited ? $"exited with {_process.ExitCode}; its output ended:\n{Tail(Output)}" : "is running";

    private static string Tail(string output) => output.Length <= 4000 ? output : "..." + output[^4000..];

    /// <summary>What the host logs (Microsoft.Hosting.Lifetime) when SIGTERM starts the graceful stop: from then on the
    /// server takes no new connection and lets the requests in flight finish.</summary>
    public const string ShutdownStarted = "Application is shutting down...";

    /// <summary>Waits until the server has printed <paramref name="text"/> (its output arrives asynchronously).</summary>
    public Task WaitForOutputAsync(string text, TimeSpan bound) =>
        Eventually.TrueAsync(() => Output.Contains(text, StringComparison.Ordinal), bound, $"the registry to log '{text}'", () => Output);

    /// <summary>Graceful stop (SIGTERM), bounded; killed if it does not exit in time.</summary>
    public async Task StopAsync()
    {
        if (_process.HasExited) return;
        PosixSignal.Send(_process.Id, PosixSignal.Terminate);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try { await _process.WaitForExitAsync(cts.Token); }
        catch (OperationCanceledException) { Kill(); }
    }

    /// <summary>kill -9: the process dies at once, as in a crash or an OOM kill; returns once it is gone.</summary>
    public void Kill()
    {
        if (_process.HasExited) return;
        PosixSignal.Send(_process.Id, PosixSignal.Kill);
        if (!_process.WaitForExit(TimeSpan.FromSeconds(30)))
            throw new TimeoutException($"registry {_process.Id} still runs 30 s after SIGKILL");
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _client?.Dispose();
        _process.Dispose();
        _ownSlot?.Dispose();
    }
}
