using System.Diagnostics;
using System.Text;
using OrleansRegistry.TestSupport.Network;

namespace OrleansRegistry.TestSupport.Interop;

/// <summary>
/// The reference registry, CNCF distribution 2.8.2 (Debian <c>docker-registry</c>), as a child process on a picked
/// loopback port (started again on another when that one turns out taken) with its own config (filesystem storage in
/// a temp directory, deletes enabled, log level warn), never its system service. Stopped with SIGTERM, killed if it lingers. A derived fixture may add configuration
/// (<see cref="ExtraConfig"/>, <see cref="ExtraHttpConfig"/>), e.g. schema1 compatibility or TLS (<see cref="Scheme"/>),
/// and turn the access log on (<see cref="AccessLog"/>, lines handed to <see cref="OnStandardOutputLine"/>).
/// <see cref="StopAsync"/> and <see cref="StartAgainAsync"/> take it down and bring it back on the same port with the
/// same storage.
/// </summary>
public class DistributionRegistryFixture : IAsyncLifetime
{
    private readonly TempDirectory _root = new();
    private readonly StringBuilder _output = new();
    private Process? _process;

    public string HostPort { get; private set; } = "";

    public string Output { get { lock (_output) return _output.ToString(); } }

    /// <summary>An HTTP client on the registry's base address (set once started; with TLS, any certificate is accepted).</summary>
    public HttpClient Client { get; private set; } = new();

    /// <summary>Top-level YAML sections appended to the generated config.</summary>
    protected virtual string ExtraConfig => "";

    /// <summary>YAML lines for the <c>http:</c> section (written unindented; the fixture indents them under it).</summary>
    protected virtual string ExtraHttpConfig => "";

    /// <summary><c>https</c> when <see cref="ExtraHttpConfig"/> turns TLS on.</summary>
    public virtual string Scheme => "http";

    /// <summary>Whether distribution writes its access log (one combined-log line per request, on stdout).</summary>
    protected virtual bool AccessLog => false;

    /// <summary>Each line distribution writes on stdout (its access log; its own log goes to stderr), in order.</summary>
    protected virtual void OnStandardOutputLine(string line) { }

    /// <summary>A private directory for the registry's files (config, storage, and whatever a derived fixture needs).</summary>
    protected TempDirectory Root => _root;

    /// <summary>Runs before the config is written (e.g. to create files <see cref="ExtraConfig"/> points to).</summary>
    protected virtual Task PrepareAsync() => Task.CompletedTask;

    public async Task InitializeAsync()
    {
        await PrepareAsync();
        Directory.CreateDirectory(_root.Child("storage"));
        // distribution cannot report a port-0 bind back: a picked port may be taken meanwhile, then it starts again.
        await BindRetry.StartAsync("docker-registry", _ => StartOnceAsync($"127.0.0.1:{LoopbackPorts.Candidate()}"));
    }

    /// <summary>Stops the registry (SIGTERM, killed if it lingers); its storage stays for <see cref="StartAgainAsync"/>.</summary>
    public async Task StopAsync()
    {
        if (_process is not null) await PosixSignal.TerminateAsync(_process, TimeSpan.FromSeconds(10));
        _process?.Dispose();
        _process = null;
    }

    /// <summary>Starts the stopped registry again on the same address, with the storage it had.</summary>
    public async Task StartAgainAsync()
    {
        if (_process is not null) throw new InvalidOperationException($"docker-registry on {HostPort} is still running");
        await StartOnceAsync(HostPort);
    }

    private async Task<bool> StartOnceAsync(string hostPort)
    {
        var newAddress = hostPort != HostPort;
        HostPort = hostPort;
        var config = _root.Child("config.yml");
        await File.WriteAllTextAsync(config, $"""
            version: 0.1
            log:
              level: warn
              accesslog:
                disabled: {(AccessLog ? "false" : "true")}
            storage:
              filesystem:
                rootdirectory: {_root.Child("storage")}
              delete:
                enabled: true
              cache:
                blobdescriptor: inmemory
            http:
              addr: {HostPort}
              secret: interop-test-only
            {string.Join('\n', ExtraHttpConfig.Split('\n').Select(line => "  " + line))}
            {ExtraConfig}
            """);

        var start = new ProcessStartInfo("docker-registry")
        {
            ArgumentList = { "serve", config },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        lock (_output) _output.Clear();
        _process = Process.Start(start) ?? throw new InvalidOperationException("could not start docker-registry");
        _process.OutputDataReceived += (_, e) =>
        {
            Append(e.Data);
            if (e.Data is not null) OnStandardOutputLine(e.Data);
        };
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        // The same address keeps the same client: a test may hold it across a restart.
        if (newAddress)
        {
            Client.Dispose();
            Client = new HttpClient(AnyCertificate()) { BaseAddress = new Uri($"{Scheme}://{HostPort}/"), Timeout = TimeSpan.FromSeconds(60) };
        }
        using var probe = new HttpClient(AnyCertificate()) { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                await _process.WaitForExitAsync(); // the rest of its output
                var output = Output;
                _process.Dispose();
                _process = null;
                if (PortInUseException.IsReportedIn(output)) throw new PortInUseException($"docker-registry on {HostPort}: {output}");
                throw new InvalidOperationException($"docker-registry exited at start:\n{output}");
            }
            try
            {
                using var response = await probe.GetAsync($"{Scheme}://{HostPort}/v2/");
                // 401: an auth-enabled configuration is up and challenging, which is as ready as it gets.
                if (response.IsSuccessStatusCode || response.StatusCode == System.Net.HttpStatusCode.Unauthorized) return true;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            await Task.Delay(100);
        }
        throw new TimeoutException($"docker-registry did not answer GET /v2/ on {HostPort} within 30 s:\n{Output}");
    }

    // The fixture's own clients only check that the registry is up: they trust whatever certificate it serves.
    private static SocketsHttpHandler AnyCertificate() => new()
    {
        SslOptions = { RemoteCertificateValidationCallback = static (_, _, _, _) => true },
    };

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await StopAsync();
        _root.Dispose();
    }
}
