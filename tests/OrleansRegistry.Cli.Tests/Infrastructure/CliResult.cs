using System.Text;

namespace OrleansRegistry.Cli.Tests.Infrastructure;

/// <summary>What one run of oreg left: exit code, stdout as bytes (manifest --raw is compared byte for byte) and stderr.</summary>
public sealed record CliResult(string CommandLine, int ExitCode, byte[] Stdout, string Stderr)
{
    public string StdoutText => Encoding.UTF8.GetString(Stdout);

    public IReadOnlyList<string> StdoutLines => StdoutText.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>Fails the test with everything the run said unless it exited with <paramref name="expected"/>.</summary>
    public CliResult Expect(int expected)
    {
        Assert.True(ExitCode == expected,
            $"`oreg {CommandLine}` exited with {ExitCode}, expected {expected}\nstderr:\n{Stderr}\nstdout:\n{StdoutText}");
        return this;
    }

    public CliResult Succeeded() => Expect(ExitCodes.Success);
}
