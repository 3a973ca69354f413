using System.Diagnostics;
using System.Net;
using System.Text;
using OrleansRegistry.TestSupport.Network;

namespace OrleansRegistry.TestSupport.Scripts;

/// <summary>
/// One of the checkout's <c>scripts/</c> (run, cluster) as a child process, driven as an operator would: started from
/// the repository root, stopped with SIGTERM or SIGINT (Ctrl-C), its output kept for failure messages.
/// </summary>
public sealed class ScriptProcess : IAsyncDisposable
{
    private static readonly TimeSpan StopBound = TimeSpan.FromSeconds(90);

    private readonly Process _process;
    private readonly Action<string>? _onLine;
    private readonly StringBuilder _output = new();

    private ScriptProcess(Process process, string name, Action<string>? onLine)
    {
        _process = process;
        _onLine = onLine;
        Name = name;
    }

    public string Name { get; }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public string Output { get { lock (_output) return _output.ToString(); } }

    /// <summary>Starts <c>scripts/NAME ARGS</c>. <paramref name="environment"/> adds variables, or removes those whose
    /// value is null; ConnectionStrings__Registry is removed first (the test run's own database is not the script's).
    /// <paramref name="onLine"/> sees every line the script prints.</summary>
    public static ScriptProcess Start(string name, IEnumerable<string> arguments,
        IReadOnlyDictionary<string, string?> environment, Action<string>? onLine = null)
    {
        // Through env --default-signal: a test run started in the background inherits SIGINT ignored, and bash can
        // neither trap nor reset a signal ignored on entry; a terminal's Ctrl-C reaches a default disposition.
        var start = new ProcessStartInfo("env")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = PostgresServer.RepoRoot,
        };
        start.ArgumentList.Add("--default-signal=INT,TERM");
        start.ArgumentList.Add(Path.Combine(PostgresServer.RepoRoot, "scripts", name));
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        start.Environment.Remove("ConnectionStrings__Registry");
        foreach (var (key, value) in environment)
        {
            if (value is null) start.Environment.Remove(key);
            else start.Environment[key] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start scripts/{name}");
        var script = new ScriptProcess(process, name, onLine);
        process.OutputDataReceived += (_, e) => script.Append(e.Data);
        process.ErrorDataReceived += (_, e) => script.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return script;
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
        _onLine?.Invoke(line);
    }

    /// <summary>True when <c>GET /v2/</c> at <paramref name="client"/>'s base address answers 200.</summary>
    public static async Task<bool> ServesAsync(HttpClient client)
    {
        try
        {
            using var response = await client.GetAsync("v2/");
            return response.StatusCode == HttpStatusCode.OK;
        }
        catch (HttpRequestException) { return false; }
        catch (TaskCanceledException) { return false; }
    }

    /// <summary>Waits until the script has printed <paramref name="text"/>.</summary>
    public Task WaitForOutputAsync(string text, TimeSpan bound) =>
        WaitUntilAsync($"print '{text}'", bound, () => Task.FromResult(Output.Contains(text, StringComparison.Ordinal)));

    /// <summary>Polls <paramref name="condition"/> until it holds. Throws with the script's output when
    /// <paramref name="bound"/> passes or the script exits first: <see cref="PortInUseException"/> when it reported a
    /// port taken (the caller starts it again on other ports), otherwise <see cref="InvalidOperationException"/>.</summary>
    public async Task WaitUntilAsync(string what, TimeSpan bound, Func<Task<bool>> condition)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < bound)
        {
            if (await condition()) return;
            if (_process.HasExited)
            {
                await _process.WaitForExitAsync(); // the rest of its output
                var message = $"scripts/{Name} exited with {_process.ExitCode} before it would {what}:\n{Output}";
                throw PortInUseException.IsReportedIn(Output) ? new PortInUseException(message) : new InvalidOperationException(message);
            }
            await Task.Delay(250);
        }
        throw new TimeoutException($"scripts/{Name} did not {what} within {bound}:\n{Output}");
    }

    /// <summary>Sends <paramref name="signal"/> (as a terminal's Ctrl-C or a service manager would) and returns the exit
    /// code once the script, and everything it waits for, has finished.</summary>
    public async Task<int> StopAsync(int signal)
    {
        if (!PosixSignal.Send(_process.Id, signal)) throw new InvalidOperationException($"could not signal scripts/{Name}");
        using var cts = new CancellationTokenSource(StopBound);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"scripts/{Name} did not stop within {StopBound} of signal {signal}:\n{Output}");
        }
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            // A failed assertion or start left it running: stop it the way an operator would, so that what it started
            // stops too.
            PosixSignal.Send(_process.Id, PosixSignal.Terminate);
            using var cts = new CancellationTokenSource(StopBound);
            try { await _process.WaitForExitAsync(cts.Token); }
            catch (OperationCanceledException) { _process.Kill(entireProcessTree: true); }
        }
        _process.Dispose();
    }
}
