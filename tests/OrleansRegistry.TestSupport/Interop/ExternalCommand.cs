using System.Diagnostics;
using System.Text;

namespace OrleansRegistry.TestSupport.Interop;

/// <summary>What a finished external command left behind. Stdout stays bytes: <c>skopeo inspect --raw</c> prints a
/// manifest, and the tests compare it byte for byte.</summary>
public sealed record CommandResult(string CommandLine, int ExitCode, byte[] Stdout, string Stderr)
{
    public string StdoutText => Encoding.UTF8.GetString(Stdout);

    /// <summary>Throws with everything the command said when it failed: a failed client call must explain itself.</summary>
    public CommandResult EnsureSuccess()
    {
        if (ExitCode != 0)
            throw new InvalidOperationException($"`{CommandLine}` exited with {ExitCode}\nstderr:\n{Stderr}\nstdout:\n{StdoutText}");
        return this;
    }
}

/// <summary>Runs a client tool (skopeo, umoci, docker-registry) as a child process with a hard time limit.</summary>
public static class ExternalCommand
{
    public static async Task<CommandResult> RunAsync(string fileName, IEnumerable<string> arguments,
        IReadOnlyDictionary<string, string>? environment = null, TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) start.Environment[key] = value;
        var commandLine = $"{fileName} {string.Join(' ', start.ArgumentList)}";

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {fileName}");
        process.StandardInput.Close(); // no tool here reads stdin; an open pipe could only make one wait forever
        var stdout = new MemoryStream();
        var stdoutTask = process.StandardOutput.BaseStream.CopyToAsync(stdout);
        var stderrTask = process.StandardError.ReadToEndAsync();

        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            throw new TimeoutException($"`{commandLine}` did not finish within {timeout ?? TimeSpan.FromMinutes(2)}:\n{await stderrTask}");
        }
        await stdoutTask;
        return new CommandResult(commandLine, process.ExitCode, stdout.ToArray(), await stderrTask);
    }
}
