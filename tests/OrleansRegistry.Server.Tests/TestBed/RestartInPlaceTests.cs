using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using OrleansRegistry.TestSupport.Network;

namespace OrleansRegistry.Server.Tests.TestBed;

/// <summary>
/// A registry restarted in place (<see cref="RegistryFixture.RestartAsync"/>) keeps its HTTP port; when something
/// else holds that port for a moment, the start fails with "address already in use" and is repeated until it binds.
/// </summary>
public sealed class RestartInPlaceTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);
    private readonly TempDirectory _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task A_registry_pinned_to_a_taken_port_starts_there_once_the_port_is_free()
    {
        var connectionString = await (await PostgresServer.GetAsync()).CreateDatabaseAsync("restart_in_place");
        var squatter = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        squatter.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        squatter.Listen();
        var port = LoopbackPorts.PortOf(squatter);

        var starting = RegistryProcess.StartAsync(connectionString, _data.Path, httpPort: port);
        try
        {
            // Free the port only after one server process for it has come and gone: a start has failed on it.
            await AServerForPortCameAndWentAsync(port);
        }
        finally
        {
            squatter.Dispose();
        }

        await using var registry = await starting; // a start that failed for any other reason would not be repeated
        Assert.Equal(port, registry.BaseAddress.Port);
        using var response = await registry.Client.GetAsync("v2/");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static async Task AServerForPortCameAndWentAsync(int port)
    {
        var urls = $"--urls\0http://127.0.0.1:{port}\0";
        var watch = Stopwatch.StartNew();
        int? seen = null;
        while (watch.Elapsed < Bound)
        {
            var running = ServerProcesses(urls);
            if (seen is { } pid && !running.Contains(pid)) return;
            seen ??= running.Cast<int?>().FirstOrDefault();
            await Task.Delay(50);
        }
        throw new TimeoutException($"no registry process for port {port} came and went within {Bound}");
    }

    private static List<int> ServerProcesses(string urls)
    {
        var found = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            try
            {
                var commandLine = File.ReadAllText(Path.Combine(dir, "cmdline"));
                if (commandLine.Contains("OrleansRegistry.Server.dll") && commandLine.Contains(urls)) found.Add(pid);
            }
            catch (IOException) { } // gone meanwhile
            catch (UnauthorizedAccessException) { }
        }
        return found;
    }
}
