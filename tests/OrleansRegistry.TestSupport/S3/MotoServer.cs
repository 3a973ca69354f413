using System.Diagnostics;
using OrleansRegistry.TestSupport.Network;

namespace OrleansRegistry.TestSupport.S3;

/// <summary>
/// An S3 server for tests: moto's server mode (<c>moto_server -H 127.0.0.1 -p PORT</c>, Python) as a child process on a
/// picked loopback port (started again on another when that one turns out taken). The executable is
/// <c>$MOTO_SERVER</c> when set (scripts/test sets it where it installed moto), else <c>moto_server</c> on the PATH.
/// Stopped with SIGTERM, killed if it lingers; every wait is bounded.
/// </summary>
public sealed class MotoServer : IAsyncDisposable
{
    private const int OutputLines = 200;
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly Queue<string> _output = new();
    private Process? _process;

    private MotoServer() { }

    /// <summary>The endpoint (<c>http://127.0.0.1:PORT</c>) to give the SDK as its service URL (path-style addressing).</summary>
    public string ServiceUrl { get; private set; } = "";

    /// <summary>moto's last lines of output (it logs every request), for failure messages.</summary>
    public string Output { get { lock (_output) return string.Join('\n', _output); } }

    public static string Executable => Environment.GetEnvironmentVariable("MOTO_SERVER") is { Length: > 0 } path ? path : "moto_server";

    public static Task<MotoServer> StartAsync() => BindRetry.StartAsync("moto_server", async _ =>
    {
        var server = new MotoServer();
        try
        {
            await server.StartOnceAsync(LoopbackPorts.Candidate());
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    });

    private async Task StartOnceAsync(int port)
    {
        ServiceUrl = $"http://127.0.0.1:{port}";
        var start = new ProcessStartInfo(Executable)
        {
            ArgumentList = { "-H", "127.0.0.1", "-p", port.ToString() },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        try
        {
            _process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {Executable}");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException(
                $"{Executable} not found: install moto's server (scripts/test does: `pip install 'moto[server]'`) or set MOTO_SERVER", e);
        }
        _process.StandardInput.Close();
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        using var probe = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + StartTimeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                await _process.WaitForExitAsync(); // the rest of its output
                if (PortInUseException.IsReportedIn(Output)) throw new PortInUseException($"moto_server on {ServiceUrl}: {Output}");
                throw new InvalidOperationException($"moto_server exited at start ({_process.ExitCode}):\n{Output}");
            }
            try
            {
                // GET / is S3's ListBuckets: an answer means the server is up.
                using var response = await probe.GetAsync(ServiceUrl + "/");
                if (response.IsSuccessStatusCode) return;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            await Task.Delay(100);
        }
        throw new TimeoutException($"moto_server did not answer on {ServiceUrl} within {StartTimeout.TotalSeconds} s:\n{Output}");
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_output)
        {
            _output.Enqueue(line);
            if (_output.Count > OutputLines) _output.Dequeue();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            PosixSignal.Send(_process.Id, PosixSignal.Terminate);
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try { await _process.WaitForExitAsync(cts.Token); }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }
        _process?.Dispose();
        _process = null;
    }
}
