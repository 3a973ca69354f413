namespace OrleansRegistry.Cli.Tests;

/// <summary>
/// oreg against distribution 2.8.2 with <c>auth: token</c> (the Docker token flow, tokens from a loopback issuer that
/// gives the user every action and anonymous callers pull only).
/// </summary>
public sealed class BearerAuthCliTests(TokenAuthRegistryFixture registry) : IClassFixture<TokenAuthRegistryFixture>
{
    [Fact]
    public async Task Push_and_pull_with_username_and_password_keep_the_digest_and_without_them_push_is_unauthorized()
    {
        using var temp = new TempDirectory();
        var layout = Images.Small(temp.Child("src"), seed: 711);
        var repo = $"{registry.HostPort}/{Images.UniqueRepo("bearer")}";
        string[] credentials = ["--plain-http", "--username", TokenAuthRegistryFixture.User, "--password", TokenAuthRegistryFixture.Password];

        (await Oreg.RunAsync([.. credentials, "push", $"{layout.Directory}:v1", $"{repo}:v1"])).Succeeded();
        (await Oreg.RunAsync([.. credentials, "pull", $"{repo}:v1", $"{temp.Child("pulled")}:v1"])).Succeeded();
        Images.AssertSameImage(layout, "v1", new OciLayout(temp.Child("pulled")), "v1");
        Assert.Contains(registry.Issuer.Requests, t => t.Authenticated && t.User == TokenAuthRegistryFixture.User
            && t.Granted.Any(a => a.Name == repo[(registry.HostPort.Length + 1)..] && a.Allows("push")));

        var anonymous = (await Oreg.RunAsync("--plain-http", "push", $"{layout.Directory}:v1", $"{repo}-anon:v1"))
            .Expect(ExitCodes.Failure);
        Assert.Matches("UNAUTHORIZED|DENIED", anonymous.Stderr);
        var wrong = (await Oreg.RunAsync("--plain-http", "--username", TokenAuthRegistryFixture.User, "--password", "wrong",
            "push", $"{layout.Directory}:v1", $"{repo}:v2")).Expect(ExitCodes.Failure);
        Assert.Contains("UNAUTHORIZED", wrong.Stderr);
    }
}
