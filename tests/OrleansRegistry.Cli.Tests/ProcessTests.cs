using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace OrleansRegistry.Cli.Tests;

/// <summary>oreg as the real executable (<c>dotnet oreg.dll</c>): exit codes, output and signal handling of the process itself.</summary>
[Collection(RegistryCollection.Name)]
public sealed class ProcessTests(RegistryFixture fixture)
{
    [Fact]
    public async Task A_usage_error_exits_2()
    {
        var result = (await Oreg.RunProcessAsync("pull", "team/app")).Expect(ExitCodes.Usage);
        Assert.Contains("error: pull takes 2 arguments", result.Stderr);
        Assert.Empty(result.Stdout);
    }

    [Fact]
    public async Task Push_pull_and_an_unknown_tag_through_the_executable()
    {
        using var temp = new TempDirectory();
        var layout = Images.Small(temp.Child("src"), seed: 701);
        var repo = $"{fixture.Registry.HostPort}/{Images.UniqueRepo("process")}";

        // Redirected stdout is no terminal: one line per event, then the result.
        var push = (await Oreg.RunProcessAsync("push", $"{layout.Directory}:v1", $"{repo}:v1")).Succeeded();
        Assert.Contains(push.StdoutLines, line => line.StartsWith("layer sha256:", StringComparison.Ordinal) && line.EndsWith(" done", StringComparison.Ordinal));
        Assert.Equal($"pushed {repo}:v1 {layout.ManifestDigest("v1")}", push.StdoutLines[^1]);

        (await Oreg.RunProcessAsync("pull", "-q", $"{repo}:v1", $"{temp.Child("pulled")}:v1")).Succeeded();
        Images.AssertSameImage(layout, "v1", new OciLayout(temp.Child("pulled")), "v1");

        var raw = (await Oreg.RunProcessAsync("manifest", "--raw", $"{repo}:v1")).Succeeded();
        Assert.Equal(layout.ReadBlob(layout.ManifestDigest("v1")), raw.Stdout);

        var unknown = (await Oreg.RunProcessAsync("manifest", $"{repo}:nope")).Expect(ExitCodes.Failure);
        Assert.StartsWith("error: MANIFEST_UNKNOWN: ", unknown.Stderr);
    }

    [Fact]
    public async Task Sigterm_while_waiting_for_a_registry_exits_130()
    {
        if (OperatingSystem.IsWindows())
            throw new PlatformNotSupportedException("SIGTERM is a POSIX signal");
        // A "registry" that accepts the connection and never answers: once it has accepted, oreg is inside its
        // request, so the signal lands mid-operation without any timing guess.
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var port = ((IPEndPoint)silent.LocalEndpoint).Port;
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { Oreg.DllPath, "tags", $"127.0.0.1:{port}/team/app" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        using var bound = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        try
        {
            using var connection = await silent.AcceptTcpClientAsync(bound.Token);
            Assert.True(PosixSignal.Send(process.Id, PosixSignal.Terminate));
            await process.WaitForExitAsync(bound.Token);
        }
        finally
        {
            if (!process.HasExited)
                process.Kill(entireProcessTree: true);
        }

        Assert.True(process.ExitCode == ExitCodes.Cancelled, $"exit {process.ExitCode}\n{await stderr}");
        Assert.Equal("cancelled", (await stderr).Trim());
        Assert.Empty(await stdout);
    }
}
