namespace OrleansRegistry.Cli.Tests;

/// <summary>
/// oreg as a .NET tool, installed the way the README says: <c>dotnet pack</c>, then <c>dotnet tool install</c> from the
/// package directory. The feed is a nuget.config naming only that directory (<c>&lt;clear /&gt;</c>), so the install
/// never leaves the machine, and the .NET CLI home is a temporary one, so the real <c>~/.dotnet/tools</c> is untouched.
/// </summary>
public sealed class ToolInstallTests(HtpasswdRegistryFixture registry) : IClassFixture<HtpasswdRegistryFixture>
{
    private static readonly TimeSpan Bound = TimeSpan.FromMinutes(5);

    [Fact]
    public async Task Pack_then_tool_install_gives_an_oreg_command_that_runs_and_reads_docker_config()
    {
        using var temp = new TempDirectory();
        var packages = temp.Child("packages");
        // --no-build: the test run built the CLI already, in the configuration these tests run in (bin/CONFIG/TFM/).
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        (await ExternalCommand.RunAsync("dotnet", ["pack", Path.Combine(PostgresServer.RepoRoot, "src", "OrleansRegistry.Cli"),
            "-c", configuration, "--no-build", "-o", packages], timeout: Bound)).EnsureSuccess();
        Assert.Single(Directory.GetFiles(packages, "OrleansRegistry.Cli.*.nupkg"));

        var feed = temp.Child("nuget.config");
        await File.WriteAllTextAsync(feed, $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="oreg" value="{packages}" />
              </packageSources>
            </configuration>
            """);
        var cliHome = new Dictionary<string, string> { ["DOTNET_CLI_HOME"] = temp.Child("home"), ["DOTNET_NOLOGO"] = "1" };
        var tools = temp.Child("tools");
        (await ExternalCommand.RunAsync("dotnet", ["tool", "install", "--tool-path", tools, "--configfile", feed, "OrleansRegistry.Cli"],
            cliHome, Bound)).EnsureSuccess();
        // --global lands in the CLI home's .dotnet/tools, the directory the .NET SDK puts on the PATH.
        (await ExternalCommand.RunAsync("dotnet", ["tool", "install", "--global", "--configfile", feed, "OrleansRegistry.Cli"],
            cliHome, Bound)).EnsureSuccess();

        var expectedVersion = (await Oreg.RunAsync("version")).Succeeded().StdoutText;
        Assert.StartsWith($"oreg {Commands.VersionCommand.Version} (.NET ", expectedVersion);
        foreach (var oreg in new[] { Path.Combine(tools, "oreg"), Path.Combine(temp.Child("home"), ".dotnet", "tools", "oreg") })
        {
            Assert.Equal(expectedVersion, (await ExternalCommand.RunAsync(oreg, ["version"], timeout: Bound)).EnsureSuccess().StdoutText);
            var help = (await ExternalCommand.RunAsync(oreg, ["--help"], timeout: Bound)).EnsureSuccess();
            Assert.Equal(HelpText.General(CliApp.Commands), help.StdoutText);
        }

        // The installed command is the whole oreg: login stores under $DOCKER_CONFIG, a later command reads it.
        using var home = new DockerConfigHome();
        var installed = Path.Combine(tools, "oreg");
        (await ExternalCommand.RunAsync(installed, ["login", "--username", HtpasswdRegistryFixture.User,
            "--password", HtpasswdRegistryFixture.Password, registry.HostPort], home.ProcessEnvironment, Bound)).EnsureSuccess();
        Assert.NotNull(home.ReadConfig()["auths"]?[registry.HostPort]);
        (await ExternalCommand.RunAsync(installed, ["catalog", registry.HostPort], home.ProcessEnvironment, Bound)).EnsureSuccess();
    }
}
