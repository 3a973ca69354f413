namespace OrleansRegistry.Cli.Tests.Infrastructure;

/// <summary>Runs oreg in-process through <see cref="CliApp.RunAsync(IReadOnlyList{string}, Stream, TextWriter, CancellationToken)"/>, the entry Program.cs calls.</summary>
public static class Oreg
{
    // Bounded: a hung transfer fails the test (as exit 130) instead of hanging the run.
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    public static async Task<CliResult> RunAsync(params string[] args)
    {
        using var cts = new CancellationTokenSource(Timeout);
        return await RunAsync(args, new MemoryStream(), cts.Token);
    }

    public static async Task<CliResult> RunAsync(string[] args, MemoryStream stdout, CancellationToken ct)
    {
        var stderr = new StringWriter();
        var exit = await CliApp.RunAsync(args, stdout, stderr, ct);
        return new CliResult(string.Join(' ', args), exit, stdout.ToArray(), stderr.ToString());
    }

    /// <summary>In-process with <paramref name="home"/>'s environment (its own docker config) and <paramref name="stdin"/> as input.</summary>
    public static async Task<CliResult> RunAsync(DockerConfigHome home, string[] args, string? stdin = null)
    {
        using var cts = new CancellationTokenSource(Timeout);
        var stdout = new MemoryStream();
        var stderr = new StringWriter();
        var console = Hosting.CliConsole.ForStreams(stdout, stderr, new StringReader(stdin ?? ""));
        var exit = await CliApp.RunAsync(args, console, home.Variable, cts.Token);
        return new CliResult(string.Join(' ', args), exit, stdout.ToArray(), stderr.ToString());
    }

    /// <summary>The built oreg.dll beside the tests (the test project references the CLI project).</summary>
    public static string DllPath => Path.Combine(AppContext.BaseDirectory, "oreg.dll");

    /// <summary>oreg as a real process: <c>dotnet oreg.dll ARGS</c>.</summary>
    public static async Task<CliResult> RunProcessAsync(params string[] args)
    {
        var result = await ExternalCommand.RunAsync("dotnet", [DllPath, .. args], timeout: Timeout);
        return new CliResult(string.Join(' ', args), result.ExitCode, result.Stdout, result.Stderr);
    }
}
