using System.Diagnostics;
using System.Text;

namespace OrleansRegistry.TestSupport.Interop;

/// <summary>
/// A long-running tool (containerd, dockerd) as a child process whose stdout and stderr are kept as its log
/// (<see cref="Output"/>, for a failure's message), waited for until it answers (<see cref="WaitUntilReadyAsync"/>,
/// bounded), stopped with SIGTERM and killed if it lingers.
/// </summary>
public sealed class DaemonProcess : IAsyncDisposable
{
    private readonly StringBuilder _output = new();
    private readonly Process _process;
    private readonly string _name;

    private DaemonProcess(Process process, string name)
    {
        _process = process;
        _name = name;
    }

    /// <summary>What the process wrote, stdout and stderr interleaved.</summary>
    public string Output { get { lock (_output) return _output.ToString(); } }

    /// <summary>Starts <paramref name="fileName"/>; when it is not installed, says which Debian package has it.</summary>
    public static DaemonProcess Start(string fileName, IEnumerable<string> arguments, string package)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        Process process;
        try { process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {fileName}"); }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"{fileName} is not installed (Debian package {package}; scripts/test installs it)", e);
        }
        var daemon = new DaemonProcess(process, fileName);
        process.OutputDataReceived += (_, e) => daemon.Append(e.Data);
        process.ErrorDataReceived += (_, e) => daemon.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return daemon;
    }

    /// <summary>Polls <paramref name="ready"/> until it holds; throws with the log when the process exits first or <paramref name="timeout"/> passes.</summary>
    public async Task WaitUntilReadyAsync(Func<Task<bool>> ready, TimeSpan timeout, string where)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (_process.HasExited)
            {
                await _process.WaitForExitAsync();
                throw new InvalidOperationException($"{_name} exited at start with {_process.ExitCode}:\n{Output}");
            }
            if (await ready()) return;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{_name} did not answer on {where} within {timeout}:\n{Output}");
            await Task.Delay(100);
        }
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
    }

    public async ValueTask DisposeAsync()
    {
        await PosixSignal.TerminateAsync(_process, TimeSpan.FromSeconds(15));
        _process.Dispose();
    }
}
