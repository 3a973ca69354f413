namespace OrleansRegistry.Cli.Tests;

/// <summary>What login, logout and version refuse before talking to any registry: usage errors, exit 2, nothing stored.</summary>
public sealed class LoginUsageTests
{
    // Nothing listens here: a run that got past the usage checks would fail with exit 1, not 2.
    private const string Host = "127.0.0.1:9";

    [Theory]
    [InlineData("login needs a user", "login", "--password-stdin", Host)]
    [InlineData("login needs a password", "login", "--username", "u", Host)]
    [InlineData("--password and --password-stdin exclude each other", "login", "--username", "u", "--password", "p", "--password-stdin", Host)]
    [InlineData("--password-stdin: stdin held no password", "login", "--username", "u", "--password-stdin", Host)]
    [InlineData("login takes 1 argument", "login", "--username", "u", "--password", "p")]
    [InlineData("logout takes 1 argument", "logout")]
    [InlineData("version takes 0 arguments", "version", "extra")]
    [InlineData("is not a HOST[:PORT]", "logout", "https://user@host.example.com/")]
    public async Task Incomplete_login_and_logout_command_lines_exit_2_and_store_nothing(string message, params string[] args)
    {
        using var home = new DockerConfigHome();
        var result = (await Oreg.RunAsync(home, args, stdin: "")).Expect(ExitCodes.Usage);
        Assert.Contains(message, result.Stderr);
        Assert.False(File.Exists(home.ConfigPath));
    }

    [Fact]
    public async Task A_password_on_the_command_line_warns_and_one_from_stdin_does_not()
    {
        using var home = new DockerConfigHome();
        // The registry is unreachable, so the run ends in a connection error; the warning comes before it.
        var onCommandLine = (await Oreg.RunAsync(home, ["login", "--username", "u", "--password", "p", Host])).Expect(ExitCodes.Failure);
        Assert.Contains("warning: --password on the command line is visible", onCommandLine.Stderr);
        Assert.Contains("connection failed", onCommandLine.Stderr);
        var fromStdin = (await Oreg.RunAsync(home, ["login", "--username", "u", "--password-stdin", Host], " pass word \r\n")).Expect(ExitCodes.Failure);
        Assert.DoesNotContain("warning", fromStdin.Stderr);
        Assert.False(File.Exists(home.ConfigPath));
    }

    [Fact]
    public void Registry_arguments_accept_docker_style_urls() =>
        Assert.Equal("registry.example.com:5000", Commands.RegistryHost.Parse("https://registry.example.com:5000/"));
}
