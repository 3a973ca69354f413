namespace OrleansRegistry.Cli.Tests;

/// <summary>Wrong command lines end with exit code 2 and say what is wrong, before any registry is contacted.</summary>
public sealed class UsageTests
{
    [Theory]
    [InlineData]                                                   // no command
    [InlineData("frobnicate")]                                     // unknown command
    [InlineData("push", "only-one-argument")]                      // too few arguments
    [InlineData("tags", "127.0.0.1:5000/team/app", "extra")]       // too many
    [InlineData("pull", "team/app:v1", "dir")]                     // no registry host
    [InlineData("pull", "127.0.0.1:5000/Team/App", "dir")]         // repository grammar: lowercase only
    [InlineData("pull", "127.0.0.1:5000/team/app:-bad", "dir")]    // tag grammar
    [InlineData("pull", "127.0.0.1:5000/team/app@sha256:abc", "dir")] // not a sha256 digest
    [InlineData("--window", "0", "tags", "127.0.0.1:5000/team/app")]
    [InlineData("--window", "many", "tags", "127.0.0.1:5000/team/app")]
    [InlineData("tags", "127.0.0.1:5000/team/app", "--window")]    // option without its value
    [InlineData("tags", "127.0.0.1:5000/team/app", "--bogus")]     // unknown option
    [InlineData("tags", "127.0.0.1:5000/team/app", "--raw")]       // another command's option
    [InlineData("tags", "127.0.0.1:5000/team/app:v1")]             // tags takes a repository only
    [InlineData("delete", "127.0.0.1:5000/team/app")]              // delete has no default tag
    [InlineData("push", "dir:v1", "127.0.0.1:5000/team/app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")]
    [InlineData("sign", "in.json", "out.json")]                    // --key missing
    [InlineData("catalog", "127.0.0.1:5000/team")]                 // a catalog takes a registry only
    public async Task A_wrong_command_line_exits_2_with_a_message(params string[] args)
    {
        var result = (await Oreg.RunAsync(args)).Expect(ExitCodes.Usage);
        Assert.False(string.IsNullOrWhiteSpace(result.Stderr));
        Assert.Empty(result.Stdout);
    }

    [Fact]
    public async Task A_missing_host_is_explained()
    {
        var result = (await Oreg.RunAsync("manifest", "team/app:v1")).Expect(ExitCodes.Usage);
        Assert.Contains("names no registry host", result.Stderr);
        Assert.Contains("Run 'oreg manifest --help'", result.Stderr);
    }

    [Fact]
    public async Task Help_lists_every_command_and_exits_0()
    {
        var result = (await Oreg.RunAsync("--help")).Succeeded();
        foreach (var command in new[] { "push", "pull", "copy", "tags", "catalog", "manifest", "delete", "sign", "verify" })
            Assert.Contains($"\n  {command} ", result.StdoutText);
        Assert.Contains("--plain-http", result.StdoutText);
        Assert.Empty(result.Stderr);
    }

    [Fact]
    public async Task Help_after_a_command_shows_its_options()
    {
        var result = (await Oreg.RunAsync("manifest", "-h")).Succeeded();
        Assert.StartsWith("usage: oreg [options] manifest ", result.StdoutText);
        Assert.Contains("--raw", result.StdoutText);
    }
}
