using OrleansRegistry.Cli.Parsing;

namespace OrleansRegistry.Cli.Tests;

/// <summary>oreg against distribution 2.8.2 with <c>auth: htpasswd</c>: credentials from options or the environment.</summary>
public sealed class AuthenticationTests(HtpasswdRegistryFixture registry) : IClassFixture<HtpasswdRegistryFixture>
{
    [Fact]
    public async Task Push_and_pull_with_username_and_password_work_and_without_them_are_unauthorized()
    {
        using var temp = new TempDirectory();
        var layout = Images.Small(temp.Child("src"), seed: 701);
        var repo = $"{registry.HostPort}/{Images.UniqueRepo("auth")}";
        string[] credentials = ["--username", HtpasswdRegistryFixture.User, "--password", HtpasswdRegistryFixture.Password];

        (await Oreg.RunAsync([.. credentials, "push", $"{layout.Directory}:v1", $"{repo}:v1"])).Succeeded();
        (await Oreg.RunAsync([.. credentials, "pull", $"{repo}:v1", $"{temp.Child("pulled")}:v1"])).Succeeded();
        Images.AssertSameImage(layout, "v1", new OciLayout(temp.Child("pulled")), "v1");

        var anonymous = (await Oreg.RunAsync("pull", $"{repo}:v1", $"{temp.Child("anon")}:v1")).Expect(ExitCodes.Failure);
        Assert.Contains("UNAUTHORIZED", anonymous.Stderr);
        var wrong = (await Oreg.RunAsync("--username", HtpasswdRegistryFixture.User, "--password", "wrong", "tags", repo))
            .Expect(ExitCodes.Failure);
        Assert.Contains("UNAUTHORIZED", wrong.Stderr);
    }

    [Fact]
    public void Credentials_come_from_OREG_USERNAME_and_OREG_PASSWORD_unless_given_as_options()
    {
        var environment = new Dictionary<string, string> { ["OREG_USERNAME"] = "env-user", ["OREG_PASSWORD"] = "env-pass" };
        var fromEnvironment = GlobalOptions.From(new Dictionary<string, string?>(), environment.GetValueOrDefault);
        Assert.Equal(("env-user", "env-pass"), (fromEnvironment.Username, fromEnvironment.Password));

        var fromOptions = GlobalOptions.From(new Dictionary<string, string?> { ["username"] = "u", ["password"] = "p" },
            environment.GetValueOrDefault);
        Assert.Equal(("u", "p"), (fromOptions.Username, fromOptions.Password));
        Assert.DoesNotContain("p }", fromOptions.ToString());

        var none = GlobalOptions.From(new Dictionary<string, string?>(), _ => null);
        Assert.Null(none.Username);
        Assert.Null(none.Password);
    }
}
