using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Npgsql;
using OrleansRegistry.Server.Tests.Infrastructure;
using OrleansRegistry.TestSupport;
using OrleansRegistry.TestSupport.Interop;
using OrleansRegistry.TestSupport.Network;
using OrleansRegistry.TestSupport.Registry;

namespace OrleansRegistry.Server.Tests.Lifecycle;

/// <summary>
/// The README's quick start, through <c>scripts/run</c> itself (issue 2, point 1): it starts a private PostgreSQL under
/// the data directory and serves the registry; SIGTERM or Ctrl-C (SIGINT) stops the server and then that PostgreSQL;
/// running it again serves everything pushed before; with <c>ConnectionStrings__Registry</c> set it applies sql/ to
/// that database and starts no PostgreSQL of its own.
/// </summary>
public sealed class RunScriptTests : IDisposable
{
    private static readonly TimeSpan StartBound = TimeSpan.FromMinutes(3);
    private static readonly TimeSpan StopBound = TimeSpan.FromSeconds(60);

    private readonly TempDirectory _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task Sigterm_and_Ctrl_C_stop_the_server_and_its_PostgreSQL_and_a_second_run_serves_what_was_pushed()
    {
        var blob = TestImages.RandomBytes(70_000, seed: 901);
        var repo = TestImages.UniqueRepo("scripts/run");
        string digest;

        await using (var first = await RunScript.StartAsync(_data.Path, connectionString: null))
        {
            digest = await TestImages.PushBlobAsync(first.Client, repo, blob);
            var postmaster = PostmasterPid();
            Assert.True(ProcessExists(postmaster), "the private PostgreSQL should run while the registry does");

            Assert.Equal(143, await first.StopAsync(Signal.Term)); // 128 + SIGTERM, as the script's trap exits
            Assert.False(Listening(first.Port), "the registry still listens after scripts/run exited");
            Assert.False(ProcessExists(postmaster), $"PostgreSQL (pid {postmaster}) still runs after scripts/run exited");
        }

        await using (var second = await RunScript.StartAsync(_data.Path, connectionString: null))
        {
            using var response = await second.Client.GetAsync($"v2/{repo}/blobs/{digest}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(blob, await response.Content.ReadAsByteArrayAsync());
            var postmaster = PostmasterPid();

            Assert.Equal(130, await second.StopAsync(Signal.Int)); // Ctrl-C
            Assert.False(Listening(second.Port), "the registry still listens after Ctrl-C");
            Assert.False(ProcessExists(postmaster), $"PostgreSQL (pid {postmaster}) still runs after Ctrl-C");
        }
    }

    [Fact]
    public async Task With_a_connection_string_it_applies_sql_to_that_database_and_starts_no_PostgreSQL()
    {
        var server = await PostgresServer.GetAsync();
        var connectionString = await server.CreateDatabaseAsync("scripts_run", applySchema: false);

        await using (var run = await RunScript.StartAsync(_data.Path, connectionString))
        {
            var repo = TestImages.UniqueRepo("scripts/external");
            var digest = await TestImages.PushBlobAsync(run.Client, repo, TestImages.RandomBytes(1000, seed: 902));
            using var head = new HttpRequestMessage(HttpMethod.Head, $"v2/{repo}/blobs/{digest}");
            using var response = await run.Client.SendAsync(head);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(143, await run.StopAsync(Signal.Term));
        }

        Assert.False(Directory.Exists(Path.Combine(_data.Path, "postgres")), "scripts/run created a private PostgreSQL");
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var count = new NpgsqlCommand(
            "SELECT count(*) FROM information_schema.tables WHERE table_name IN ('orleansstorage', 'orleansmembershiptable')", connection);
        Assert.Equal(2L, (long)(await count.ExecuteScalarAsync())!);
    }

    private int PostmasterPid()
    {
        var file = Path.Combine(_data.Path, "postgres", "data", "postmaster.pid");
        Assert.True(File.Exists(file), $"no {file}: the private PostgreSQL is not running");
        return int.Parse(File.ReadLines(file).First());
    }

    /// <summary>Running, i.e. not gone and not a zombie (this machine's init reaps orphans late).</summary>
    private static bool ProcessExists(int pid)
    {
        string stat;
        try { stat = File.ReadAllText($"/proc/{pid}/stat"); }
        catch (IOException) { return false; }
        // "pid (comm) S ...": the state follows the last ')', since comm may itself contain one.
        return stat[(stat.LastIndexOf(')') + 2)..].FirstOrDefault() is not ('Z' or 'X');
    }

    private static bool Listening(int port)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Connect(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private enum Signal { Int = PosixSignal.Interrupt, Term = PosixSignal.Terminate }

    /// <summary>
    /// <c>scripts/run --urls http://127.0.0.1:0</c> as a child process, ready once <c>GET /v2/</c> answers on the port
    /// the server logged. It holds a registry server slot, and starts again with other silo, gateway and PostgreSQL
    /// ports when one of them turned out taken.
    /// </summary>
    private sealed class RunScript : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly ServerSlotLease _slot;
        private readonly StringBuilder _output = new();
        private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private HttpClient? _client;

        private RunScript(Process process, ServerSlotLease slot)
        {
            _process = process;
            _slot = slot;
        }

        public int Port => Client.BaseAddress!.Port;

        public HttpClient Client => _client ?? throw new InvalidOperationException("scripts/run is not serving yet");

        private string Output { get { lock (_output) return _output.ToString(); } }

        public static async Task<RunScript> StartAsync(string dataDirectory, string? connectionString)
        {
            var slot = await ServerSlots.Run.TakeAsync();
            try
            {
                return await BindRetry.StartAsync("scripts/run", _ => StartOnceAsync(dataDirectory, connectionString, slot));
            }
            catch
            {
                slot.Dispose();
                throw;
            }
        }

        private static async Task<RunScript> StartOnceAsync(string dataDirectory, string? connectionString, ServerSlotLease slot)
        {
            // Through env --default-signal: a test run started in the background inherits SIGINT ignored, and bash
            // can neither trap nor reset a signal ignored on entry; a terminal's Ctrl-C reaches a default disposition.
            var start = new ProcessStartInfo("env")
            {
                ArgumentList =
                {
                    "--default-signal=INT,TERM", Path.Combine(PostgresServer.RepoRoot, "scripts", "run"),
                    "--urls", "http://127.0.0.1:0",
                    "--Registry:SiloPort=" + LoopbackPorts.Candidate(), "--Registry:GatewayPort=" + LoopbackPorts.Candidate(),
                },
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                WorkingDirectory = PostgresServer.RepoRoot,
            };
            start.Environment["Registry__DataDirectory"] = dataDirectory;
            start.Environment["REGISTRY_PG_PORT"] = LoopbackPorts.Candidate().ToString();
            start.Environment[KestrelListening.LogSetting.Key] = KestrelListening.LogSetting.Value;
            start.Environment.Remove("ConnectionStrings__Registry"); // the test run's own database is not this one's
            if (connectionString is not null) start.Environment["ConnectionStrings__Registry"] = connectionString;

            var run = new RunScript(Process.Start(start) ?? throw new InvalidOperationException("could not start scripts/run"), slot);
            run._process.OutputDataReceived += (_, e) => run.Append(e.Data);
            run._process.ErrorDataReceived += (_, e) => run.Append(e.Data);
            run._process.BeginOutputReadLine();
            run._process.BeginErrorReadLine();
            try
            {
                await run.WaitUntilReadyAsync();
                return run;
            }
            catch
            {
                await run.StopQuietlyAsync();
                run._process.Dispose();
                throw;
            }
        }

        private void Append(string? line)
        {
            if (line is null) return;
            lock (_output) _output.AppendLine(line);
            if (KestrelListening.Parse(line) is { } address) _listening.TrySetResult(address);
        }

        private async Task WaitUntilReadyAsync()
        {
            var watch = Stopwatch.StartNew();
            while (watch.Elapsed < StartBound)
            {
                if (_process.HasExited)
                {
                    await _process.WaitForExitAsync(); // the rest of its output
                    if (PortInUseException.IsReportedIn(Output))
                        throw new PortInUseException($"scripts/run exited with {_process.ExitCode}, a port was taken:\n{Output}");
                    throw new InvalidOperationException($"scripts/run exited with {_process.ExitCode} before serving:\n{Output}");
                }
                if (_listening.Task.IsCompletedSuccessfully)
                {
                    _client ??= new HttpClient { BaseAddress = _listening.Task.Result, Timeout = TimeSpan.FromSeconds(30) };
                    try
                    {
                        using var response = await _client.GetAsync("v2/");
                        if (response.StatusCode == HttpStatusCode.OK) return;
                    }
                    catch (HttpRequestException) { }
                    catch (TaskCanceledException) { }
                }
                await Task.Delay(250);
            }
            throw new TimeoutException($"scripts/run did not serve GET /v2/ within {StartBound}:\n{Output}");
        }

        /// <summary>Sends <paramref name="signal"/> to the script (as a terminal's Ctrl-C or a service manager would) and
        /// returns its exit code once it, and everything it waits for, has finished.</summary>
        public async Task<int> StopAsync(Signal signal)
        {
            Assert.True(PosixSignal.Send(_process.Id, (int)signal), $"could not send {signal} to scripts/run");
            using var cts = new CancellationTokenSource(StopBound);
            try
            {
                await _process.WaitForExitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"scripts/run did not stop within {StopBound} of signal {signal}:\n{Output}");
            }
            return _process.ExitCode;
        }

        // A failed assertion or start left it running: stop it the way an operator would, so PostgreSQL stops too.
        private async Task StopQuietlyAsync()
        {
            _client?.Dispose();
            if (_process.HasExited) return;
            PosixSignal.Send(_process.Id, PosixSignal.Terminate);
            using var cts = new CancellationTokenSource(StopBound);
            try { await _process.WaitForExitAsync(cts.Token); }
            catch (OperationCanceledException) { _process.Kill(entireProcessTree: true); }
        }

        public async ValueTask DisposeAsync()
        {
            await StopQuietlyAsync();
            _process.Dispose();
            _slot.Dispose();
        }
    }
}
