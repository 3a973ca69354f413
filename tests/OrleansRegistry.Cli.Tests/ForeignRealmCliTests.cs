namespace OrleansRegistry.Cli.Tests;

/// <summary>
/// oreg against distribution 2.8.2 whose token realm is another host (a plain-http issuer on 127.0.0.2, the registry on
/// 127.0.0.1): the password goes there only when <c>--trust-realm</c> names it.
/// </summary>
public sealed class ForeignRealmCliTests(ForeignRealmRegistryFixture registry) : IClassFixture<ForeignRealmRegistryFixture>
{
    [Fact]
    public async Task A_push_reaches_a_foreign_realm_only_when_it_is_trusted()
    {
        using var temp = new TempDirectory();
        var layout = Images.Small(temp.Child("src"), seed: 712);
        var name = Images.UniqueRepo("foreign");
        var repo = $"{registry.HostPort}/{name}";
        string[] credentials = ["--plain-http", "--username", TokenAuthRegistryFixture.User, "--password", TokenAuthRegistryFixture.Password];

        var refused = (await Oreg.RunAsync([.. credentials, "push", $"{layout.Directory}:v1", $"{repo}:v1"])).Expect(ExitCodes.Failure);
        Assert.Contains("UNAUTHORIZED", refused.Stderr);
        Assert.Empty(registry.Issuer.RequestsFor(name));

        (await Oreg.RunAsync([.. credentials, "--trust-realm", ForeignRealmRegistryFixture.RealmHost, "push", $"{layout.Directory}:v1", $"{repo}:v1"]))
            .Succeeded();
        Assert.Contains(registry.Issuer.RequestsFor(name), t => t.Authenticated && t.User == TokenAuthRegistryFixture.User
            && t.Granted.Any(a => a.Name == name && a.Allows("push")));
    }
}
