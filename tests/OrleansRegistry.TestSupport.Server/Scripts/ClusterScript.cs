using System.Globalization;
using System.Text.RegularExpressions;
using OrleansRegistry.TestSupport.Network;
using OrleansRegistry.TestSupport.Registry;

namespace OrleansRegistry.TestSupport.Scripts;

/// <summary>
/// A running <c>scripts/cluster N</c>, with the silo table it printed: N silos behind nginx. It holds a registry server
/// slot per silo, and starts again on another port block when one of its ports turned out taken.
/// </summary>
public sealed class ClusterScript : IAsyncDisposable
{
    private static readonly TimeSpan StartBound = TimeSpan.FromMinutes(3);

    private readonly string _dataDirectory;
    private readonly ServerSlotLease _slots;

    private ClusterScript(ScriptProcess script, int port, string dataDirectory, ServerSlotLease slots)
    {
        Script = script;
        Port = port;
        _dataDirectory = dataDirectory;
        _slots = slots;
        Balancer = Client(port);
    }

    /// <summary>One silo of the table: its index, HTTP port, process id and a client straight to it.</summary>
    public sealed record Silo(int Index, int HttpPort, int Pid, HttpClient Client);

    public ScriptProcess Script { get; }

    /// <summary>The balancer's port (nginx on 127.0.0.1).</summary>
    public int Port { get; }

    public HttpClient Balancer { get; }

    public IReadOnlyList<Silo> Silos { get; private set; } = [];

    public int NginxPid { get; private set; }

    public IReadOnlyList<string> AccessLog() => NginxFile("access.log").Split('\n', StringSplitOptions.RemoveEmptyEntries);

    public string NginxFile(string name) => File.ReadAllText(Path.Combine(_dataDirectory, "cluster", "nginx", name));

    /// <summary>Starts <paramref name="silos"/> silos; <paramref name="environment"/> adds settings every silo gets.</summary>
    public static async Task<ClusterScript> StartAsync(string dataDirectory, int silos,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var slots = await ServerSlots.Run.TakeAsync(silos);
        try
        {
            return await BindRetry.StartAsync("scripts/cluster", _ => StartOnceAsync(dataDirectory, silos, environment, slots));
        }
        catch
        {
            slots.Dispose();
            throw;
        }
    }

    private static async Task<ClusterScript> StartOnceAsync(string dataDirectory, int silos,
        IReadOnlyDictionary<string, string>? environment, ServerSlotLease slots)
    {
        // The script's scheme: balancer P, silo i on P+i (HTTP), P+100+i (silo), P+200+i (gateway).
        var port = LoopbackPorts.CandidateRange(201 + silos);
        var variables = new Dictionary<string, string?>
        {
            ["Registry__DataDirectory"] = dataDirectory,
            ["REGISTRY_PG_PORT"] = LoopbackPorts.Candidate().ToString(CultureInfo.InvariantCulture),
            ["DOTNET_gcServer"] = "0", // the silos share the test machine's cores
        };
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) variables[key] = value;
        var script = ScriptProcess.Start("cluster",
            [silos.ToString(CultureInfo.InvariantCulture), "--port", port.ToString(CultureInfo.InvariantCulture)], variables);
        var cluster = new ClusterScript(script, port, dataDirectory, slots);
        try
        {
            await script.WaitForOutputAsync("Ctrl-C stops", StartBound);
            cluster.ReadTable(silos);
            return cluster;
        }
        catch
        {
            await cluster.StopAsync(); // the slots stay with the caller, which may start again
            throw;
        }
    }

    private void ReadTable(int silos)
    {
        var output = Script.Output;
        var nginx = Regex.Match(output, @"nginx pid (\d+)");
        Assert.True(nginx.Success, $"no nginx pid in:\n{output}");
        NginxPid = int.Parse(nginx.Groups[1].Value, CultureInfo.InvariantCulture);
        Silos = Regex.Matches(output, @"^(\d+)\s+http://127\.0\.0\.1:(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+\S+$", RegexOptions.Multiline)
            .Select(m => new Silo(int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture),
                int.Parse(m.Groups[5].Value, CultureInfo.InvariantCulture), Client(int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture))))
            .ToList();
        Assert.True(Silos.Count == silos, $"expected {silos} silo rows in:\n{output}");
    }

    private static HttpClient Client(int port) =>
        new() { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(60) };

    private async Task StopAsync()
    {
        Balancer.Dispose();
        foreach (var silo in Silos) silo.Client.Dispose();
        await Script.DisposeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _slots.Dispose();
    }
}
