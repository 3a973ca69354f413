using System.Net;
using Npgsql;
using OrleansRegistry.Server.Tests.Infrastructure;
using OrleansRegistry.TestSupport;
using OrleansRegistry.TestSupport.Interop;
using OrleansRegistry.TestSupport.Network;
using OrleansRegistry.TestSupport.Registry;
using OrleansRegistry.TestSupport.Scripts;

namespace OrleansRegistry.Server.Tests.Lifecycle;

/// <summary>
/// The README's quick start, through <c>scripts/run</c> itself: it starts a private PostgreSQL under
/// the data directory and serves the registry; SIGTERM or Ctrl-C (SIGINT) stops the server and then that PostgreSQL;
/// running it again serves everything pushed before; with <c>ConnectionStrings__Registry</c> set it applies sql/ to
/// that database and starts no PostgreSQL of its own.
/// </summary>
public sealed class RunScriptTests : IDisposable
{
    private static readonly TimeSpan StartBound = TimeSpan.FromMinutes(3);

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
            var postmaster = LocalProcesses.PrivatePostmasterPid(_data.Path);
            Assert.True(LocalProcesses.IsRunning(postmaster), "the private PostgreSQL should run while the registry does");

            Assert.Equal(143, await first.StopAsync(Signal.Term)); // 128 + SIGTERM, as the script's trap exits
            Assert.False(LocalProcesses.IsListening(first.Port), "the registry still listens after scripts/run exited");
            Assert.False(LocalProcesses.IsRunning(postmaster), $"PostgreSQL (pid {postmaster}) still runs after scripts/run exited");
        }

        await using (var second = await RunScript.StartAsync(_data.Path, connectionString: null))
        {
            using var response = await second.Client.GetAsync($"v2/{repo}/blobs/{digest}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(blob, await response.Content.ReadAsByteArrayAsync());
            var postmaster = LocalProcesses.PrivatePostmasterPid(_data.Path);

            Assert.Equal(130, await second.StopAsync(Signal.Int)); // Ctrl-C
            Assert.False(LocalProcesses.IsListening(second.Port), "the registry still listens after Ctrl-C");
            Assert.False(LocalProcesses.IsRunning(postmaster), $"PostgreSQL (pid {postmaster}) still runs after Ctrl-C");
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

    private enum Signal { Int = PosixSignal.Interrupt, Term = PosixSignal.Terminate }

    /// <summary>
    /// <c>scripts/run --urls http://127.0.0.1:0</c> as a child process, ready once <c>GET /v2/</c> answers on the port
    /// the server logged. It holds a registry server slot, and starts again with other silo, gateway and PostgreSQL
    /// ports when one of them turned out taken.
    /// </summary>
    private sealed class RunScript : IAsyncDisposable
    {
        private readonly ServerSlotLease _slot;
        private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private ScriptProcess? _script;
        private HttpClient? _client;

        private RunScript(ServerSlotLease slot) => _slot = slot;

        public int Port => Client.BaseAddress!.Port;

        public HttpClient Client => _client ?? throw new InvalidOperationException("scripts/run is not serving yet");

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
            var run = new RunScript(slot);
            run._script = ScriptProcess.Start("run",
                ["--urls", "http://127.0.0.1:0",
                 "--Registry:SiloPort=" + LoopbackPorts.Candidate(), "--Registry:GatewayPort=" + LoopbackPorts.Candidate()],
                new Dictionary<string, string?>
                {
                    ["Registry__DataDirectory"] = dataDirectory,
                    ["REGISTRY_PG_PORT"] = LoopbackPorts.Candidate().ToString(),
                    [KestrelListening.LogSetting.Key] = KestrelListening.LogSetting.Value,
                    ["ConnectionStrings__Registry"] = connectionString,
                },
                line => { if (KestrelListening.Parse(line) is { } address) run._listening.TrySetResult(address); });
            try
            {
                await run._script.WaitUntilAsync("serve GET /v2/", StartBound, async () =>
                {
                    if (!run._listening.Task.IsCompletedSuccessfully) return false;
                    run._client ??= new HttpClient { BaseAddress = run._listening.Task.Result, Timeout = TimeSpan.FromSeconds(30) };
                    return await ScriptProcess.ServesAsync(run._client);
                });
                return run;
            }
            catch
            {
                await run.StopQuietlyAsync();
                throw;
            }
        }

        /// <summary>Sends <paramref name="signal"/> to the script and returns its exit code once it, and everything it
        /// waits for, has finished.</summary>
        public Task<int> StopAsync(Signal signal) => _script!.StopAsync((int)signal);

        private async Task StopQuietlyAsync()
        {
            _client?.Dispose();
            if (_script is not null) await _script.DisposeAsync();
        }

        public async ValueTask DisposeAsync()
        {
            await StopQuietlyAsync();
            _slot.Dispose();
        }
    }
}
