using System.Text.Json.Nodes;
using OrleansRegistry.TestSupport.Security;

namespace OrleansRegistry.Cli.Tests;

/// <summary>Our server with authentication on at <c>127.0.0.1:80</c>, HTTP's default port (the test process is root).</summary>
public sealed class DefaultPortRegistryFixture() : SecuredRegistryFixture(httpPort: 80);

/// <summary>
/// A login given with the default port (<c>oreg login localhost:80</c>) serves the commands that address the registry
/// without it (<c>localhost/...</c>: every command reaches <c>http://localhost/</c>), because it is stored under the one
/// normalised key <c>localhost</c>; an entry podman wrote as <c>localhost:80</c> is read too, and logout removes both.
/// </summary>
public sealed class DefaultPortLoginTests(DefaultPortRegistryFixture registry) : IClassFixture<DefaultPortRegistryFixture>
{
    private const string User = "alice";

    private string Password => registry.Users[User];

    [Fact]
    public async Task A_login_at_localhost_80_is_stored_as_localhost_and_serves_both_spellings()
    {
        using var home = new DockerConfigHome();
        using var temp = new TempDirectory();
        var layout = Images.Small(temp.Child("src"), seed: 921);
        var name = Images.UniqueRepo("port80");

        (await Oreg.RunAsync(home, ["login", "--username", User, "--password-stdin", "localhost:80"], Password)).Succeeded();
        var auths = Assert.IsType<JsonObject>(home.ReadConfig()["auths"]);
        Assert.Equal(["localhost"], auths.Select(p => p.Key));

        (await Oreg.RunAsync(home, ["push", $"{layout.Directory}:v1", $"localhost/{name}:v1"])).Succeeded();
        (await Oreg.RunAsync(home, ["push", $"{layout.Directory}:v1", $"localhost:80/{name}:v2"])).Succeeded();
        (await Oreg.RunAsync(home, ["pull", $"localhost/{name}:v2", $"{temp.Child("pulled")}:v1"])).Succeeded();
        Images.AssertSameImage(layout, "v1", new OciLayout(temp.Child("pulled")), "v1");

        Assert.Equal("logged out of localhost:80", (await Oreg.RunAsync(home, ["logout", "localhost:80"])).Succeeded().StdoutLines[^1]);
        Assert.Empty(home.ReadConfig()["auths"]!.AsObject());
        var anonymous = (await Oreg.RunAsync(home, ["push", $"{layout.Directory}:v1", $"localhost/{name}:v3"])).Expect(ExitCodes.Failure);
        Assert.Matches("UNAUTHORIZED|DENIED", anonymous.Stderr);
    }

    [Fact]
    public async Task An_entry_podman_wrote_as_localhost_80_serves_oreg_at_localhost_and_logout_removes_it()
    {
        using var home = new DockerConfigHome();
        using var temp = new TempDirectory();
        using var podman = new Podman();
        var layout = Images.Small(temp.Child("src"), seed: 922);
        var name = Images.UniqueRepo("podman80");
        Directory.CreateDirectory(home.ConfigDirectory);
        home.WriteConfig("{}");
        (await podman.LoginAsync("localhost:80", User, Password, home.ConfigPath)).EnsureSuccess();
        Assert.Equal(["localhost:80"], home.ReadConfig()["auths"]!.AsObject().Select(p => p.Key));

        (await Oreg.RunAsync(home, ["push", $"{layout.Directory}:v1", $"localhost/{name}:v1"])).Succeeded();
        (await Oreg.RunAsync(home, ["tags", $"localhost/{name}"])).Succeeded();

        Assert.Equal("logged out of localhost", (await Oreg.RunAsync(home, ["logout", "localhost"])).Succeeded().StdoutLines[^1]);
        Assert.Empty(home.ReadConfig()["auths"]!.AsObject());
    }
}
