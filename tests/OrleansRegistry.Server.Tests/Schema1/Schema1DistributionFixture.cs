using System.Diagnostics;
using System.Text;

namespace OrleansRegistry.Server.Tests.Schema1;

/// <summary>
/// CNCF distribution 2.8.2 (Debian <c>docker-registry</c>) with schema1 enabled (<c>compatibility: schema1: enabled:
/// true</c>; distribution docs "configuration.md", compatibility section), so it accepts schema1 pushes and verifies
/// their signatures on PUT. A child process on a free loopback port with its own config and storage, stopped with
/// SIGTERM and killed if it lingers. Modelled on <see cref="DistributionRegistryFixture"/>.
/// </summary>
public sealed class Schema1DistributionFixture : IAsyncLifetime
{
    private readonly TempDirectory _root = new();
    private readonly StringBuilder _output = new();
    private Process? _process;

    public string HostPort { get; private set; } = "";

    public HttpClient Client { get; private set; } = new();

    public string Output { get { lock (_output) return _output.ToString(); } }

    public async Task InitializeAsync()
    {
        HostPort = $"127.0.0.1:{FreePort.Next()}";
        var storage = Directory.CreateDirectory(_root.Child("storage")).FullName;
        var config = _root.Child("config.yml");
        await File.WriteAllTextAsync(config, $"""
            version: 0.1
            log:
              level: warn
              accesslog:
                disabled: true
            storage:
              filesystem:
                rootdirectory: {storage}
              delete:
                enabled: true
            http:
              addr: {HostPort}
              secret: schema1-interop-test-only
            compatibility:
              schema1:
                enabled: true
            """);

        _process = Process.Start(new ProcessStartInfo("docker-registry")
        {
            ArgumentList = { "serve", config },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        }) ?? throw new InvalidOperationException("could not start docker-registry");
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        Client = new HttpClient { BaseAddress = new Uri($"http://{HostPort}/"), Timeout = TimeSpan.FromSeconds(30) };

        using var probe = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited) throw new InvalidOperationException($"docker-registry exited at start:\n{Output}");
            try
            {
                using var response = await probe.GetAsync($"http://{HostPort}/v2/");
                if (response.IsSuccessStatusCode) return;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            await Task.Delay(100);
        }
        throw new TimeoutException($"docker-registry did not answer GET /v2/ on {HostPort} within 30 s:\n{Output}");
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        if (_process is { HasExited: false })
        {
            _ = kill(_process.Id, 15);
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try { await _process.WaitForExitAsync(cts.Token); }
            catch (OperationCanceledException) { _process.Kill(); await _process.WaitForExitAsync(); }
        }
        _process?.Dispose();
        _root.Dispose();
    }

    [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);
}
