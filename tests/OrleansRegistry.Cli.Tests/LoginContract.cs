using System.Text;
using System.Text.Json.Nodes;

namespace OrleansRegistry.Cli.Tests;

/// <summary>
/// <c>oreg login</c> / <c>logout</c> and the stored credentials every command then uses, against one registry that
/// authenticates; each derived class names the registry (distribution with htpasswd, distribution with token auth,
/// and any other fixture that offers a host, a user and a password), so a new registry gets the whole contract.
/// </summary>
public abstract class LoginContract(string host, string user, string password)
{
    protected string Host => host;

    /// <summary>
    /// Whether the registry's token endpoint answers <c>offline_token=true</c> with a refresh token: login then stores
    /// that (<c>identitytoken</c>, the user under <c>auth</c> without a password) instead of the password.
    /// </summary>
    protected virtual bool IssuesRefreshTokens => false;

    protected static string Base64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    /// <summary><c>oreg login --username USER --password-stdin HOST</c> with <paramref name="stdin"/> (default: the password).</summary>
    protected Task<CliResult> LoginAsync(DockerConfigHome home, string? stdin = null) =>
        Oreg.RunAsync(home, ["login", "--username", user, "--password-stdin", host], stdin ?? password);

    [Fact]
    public async Task Login_then_push_and_pull_use_the_stored_credentials()
    {
        using var home = new DockerConfigHome();
        using var temp = new TempDirectory();
        var layout = Images.Small(temp.Child("src"), seed: 901);
        var repo = $"{host}/{Images.UniqueRepo("login")}";

        var login = (await LoginAsync(home, password + "\n")).Succeeded();
        Assert.Equal($"logged in to {host} as {user} (credentials in {home.ConfigPath})", login.StdoutLines[^1]);
        Assert.DoesNotContain("warning", login.Stderr);
        var entry = Assert.IsType<JsonObject>(home.ReadConfig()["auths"]?[host]);
        if (IssuesRefreshTokens)
        {
            Assert.Equal(Base64($"{user}:"), (string?)entry["auth"]);
            Assert.False(string.IsNullOrEmpty((string?)entry["identitytoken"]));
            Assert.DoesNotContain(Base64($"{user}:{password}"), File.ReadAllText(home.ConfigPath));
        }
        else
        {
            Assert.Equal(Base64($"{user}:{password}"), (string?)entry["auth"]);
        }
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(home.ConfigPath));

        (await Oreg.RunAsync(home, ["push", $"{layout.Directory}:v1", $"{repo}:v1"])).Succeeded();
        (await Oreg.RunAsync(home, ["pull", $"{repo}:v1", $"{temp.Child("pulled")}:v1"])).Succeeded();
        Images.AssertSameImage(layout, "v1", new OciLayout(temp.Child("pulled")), "v1");

        // The same commands without the stored entry are refused: the credentials above came from config.json.
        using var empty = new DockerConfigHome();
        var anonymous = (await Oreg.RunAsync(empty, ["push", $"{layout.Directory}:v1", $"{repo}:v2"])).Expect(ExitCodes.Failure);
        Assert.Matches("UNAUTHORIZED|DENIED", anonymous.Stderr);
    }

    [Fact]
    public async Task A_wrong_password_is_refused_and_nothing_is_stored()
    {
        using var home = new DockerConfigHome();
        home.WriteConfig("""{ "psFormat": "table {{.ID}}" }""");

        var refused = (await LoginAsync(home, "wrong-" + password))
            .Expect(ExitCodes.Failure);
        Assert.StartsWith($"error: login to {host} refused: UNAUTHORIZED", refused.Stderr);
        Assert.Contains("nothing was stored", refused.Stderr);
        Assert.Equal("""{ "psFormat": "table {{.ID}}" }""", File.ReadAllText(home.ConfigPath));
    }

    [Fact]
    public async Task Logout_removes_the_entry_and_keeps_every_other_key()
    {
        using var home = new DockerConfigHome();
        const string other = "other.example.com";
        const string format = "table {{.ID}}";
        home.WriteConfig($$"""
            {
              "auths": { "{{other}}": { "auth": "{{Base64("o:p")}}" } },
              "psFormat": "{{format}}",
              "proxies": { "default": { "httpProxy": "http://proxy.example.com:3128" } }
            }
            """);

        (await Oreg.RunAsync(home, ["login", "--username", user, "--password", password, host])).Succeeded();
        var loggedIn = home.ReadConfig();
        Assert.NotNull(loggedIn["auths"]?[host]);
        Assert.NotNull(loggedIn["auths"]?[other]);
        Assert.Equal("table {{.ID}}", (string?)loggedIn["psFormat"]);
        Assert.Equal("http://proxy.example.com:3128", (string?)loggedIn["proxies"]?["default"]?["httpProxy"]);

        var logout = (await Oreg.RunAsync(home, ["logout", host])).Succeeded();
        Assert.Equal($"logged out of {host}", logout.StdoutLines[^1]);
        var loggedOut = home.ReadConfig();
        Assert.Null(loggedOut["auths"]?[host]);
        Assert.Equal(Base64("o:p"), (string?)loggedOut["auths"]?[other]?["auth"]);
        Assert.Equal("table {{.ID}}", (string?)loggedOut["psFormat"]);
        Assert.Equal("http://proxy.example.com:3128", (string?)loggedOut["proxies"]?["default"]?["httpProxy"]);
        Assert.Equal(3, loggedOut.Count);

        var again = (await Oreg.RunAsync(home, ["logout", host])).Succeeded();
        Assert.Equal($"not logged in to {host}", again.StdoutLines[^1]);
        // The catalog needs credentials on every registry here (token registries give anonymous callers pull only).
        Assert.Matches("UNAUTHORIZED|DENIED", (await Oreg.RunAsync(home, ["catalog", host])).Expect(ExitCodes.Failure).Stderr);
    }

    [Fact]
    public async Task A_credential_helper_named_for_the_registry_stores_gets_and_erases()
    {
        using var home = new DockerConfigHome();
        using var temp = new TempDirectory();
        var helper = new TestCredentialHelper(home);
        // credHelpers for this registry wins over credsStore (a helper that does not exist: using it would fail).
        home.WriteConfig($$"""{ "credsStore": "absent", "credHelpers": { "{{host}}": "{{helper.Name}}" } }""");
        var layout = Images.Small(temp.Child("src"), seed: 902);
        var repo = $"{host}/{Images.UniqueRepo("helper")}";

        var login = (await LoginAsync(home)).Succeeded();
        Assert.EndsWith($"(credentials in credential helper docker-credential-{helper.Name})", login.StdoutLines[^1]);
        var stored = Assert.IsType<JsonObject>(helper.Stored(host));
        Assert.Equal(host, (string?)stored["ServerURL"]);
        if (IssuesRefreshTokens)
        {
            // The helpers' convention for an identity token: the user "<token>", the token as the secret.
            Assert.Equal("<token>", (string?)stored["Username"]);
            Assert.NotEqual(password, (string?)stored["Secret"]);
        }
        else
        {
            Assert.Equal((user, password), ((string?)stored["Username"], (string?)stored["Secret"]));
        }
        Assert.Null(home.ReadConfig()["auths"]);

        (await Oreg.RunAsync(home, ["push", $"{layout.Directory}:v1", $"{repo}:v1"])).Succeeded();
        (await Oreg.RunAsync(home, ["pull", $"{repo}:v1", $"{temp.Child("pulled")}:v1"])).Succeeded();
        Images.AssertSameImage(layout, "v1", new OciLayout(temp.Child("pulled")), "v1");

        (await Oreg.RunAsync(home, ["logout", host])).Succeeded();
        Assert.Null(helper.Stored(host));
        Assert.Equal(["store", "get", "get", "erase"], helper.Calls);
    }

    [Fact]
    public async Task A_missing_credential_helper_fails_only_the_commands_whose_registry_asks_and_says_which()
    {
        using var home = new DockerConfigHome();
        home.WriteConfig("""{ "credsStore": "absent" }""");

        var failed = (await Oreg.RunAsync(home, ["catalog", host])).Expect(ExitCodes.Failure);
        Assert.Equal("error: credentials: credential helper docker-credential-absent is not on the PATH (named by config.json's credsStore or credHelpers)",
            failed.Stderr.Trim());
        // Explicit credentials need no lookup at all.
        (await Oreg.RunAsync(home, ["--username", user, "--password", password, "catalog", host])).Succeeded();
    }

    [Fact]
    public async Task Skopeo_pulls_with_the_config_json_oreg_login_wrote()
    {
        using var home = new DockerConfigHome();
        using var temp = new TempDirectory();
        var layout = Images.Small(temp.Child("src"), seed: 903);
        var repo = $"{host}/{Images.UniqueRepo("authfile")}";
        (await LoginAsync(home)).Succeeded();
        (await Oreg.RunAsync(home, ["push", $"{layout.Directory}:v1", $"{repo}:v1"])).Succeeded();

        var pulled = new OciLayout(temp.Child("skopeo"));
        await Skopeo.CopyAsync($"docker://{repo}:v1", pulled.Reference("v1"), "--src-authfile", home.ConfigPath);
        Images.AssertSameImage(layout, "v1", pulled, "v1");
    }
}

/// <summary>The login contract against distribution 2.8.2 with <c>auth: htpasswd</c> (Basic).</summary>
public sealed class HtpasswdLoginTests(HtpasswdRegistryFixture registry)
    : LoginContract(registry.HostPort, HtpasswdRegistryFixture.User, HtpasswdRegistryFixture.Password), IClassFixture<HtpasswdRegistryFixture>;

/// <summary>
/// The login contract against distribution 2.8.2 with <c>auth: token</c> (the Docker token flow), whose issuer hands out
/// refresh tokens: what login stores, and what every later command (and skopeo) sends, is the identity token.
/// </summary>
public sealed class TokenLoginTests(TokenAuthRegistryFixture registry)
    : LoginContract(registry.HostPort, TokenAuthRegistryFixture.User, TokenAuthRegistryFixture.Password), IClassFixture<TokenAuthRegistryFixture>
{
    protected override bool IssuesRefreshTokens => true;

    [Fact]
    public async Task After_login_pushes_get_their_tokens_through_the_refresh_token_grant_and_a_revoked_one_is_unauthorized()
    {
        using var home = new DockerConfigHome();
        using var temp = new TempDirectory();
        var layout = Images.Small(temp.Child("src"), seed: 911);
        var name = Images.UniqueRepo("refresh");
        (await LoginAsync(home)).Succeeded();

        (await Oreg.RunAsync(home, ["push", $"{layout.Directory}:v1", $"{Host}/{name}:v1"])).Succeeded();
        Assert.Contains(registry.Issuer.Requests, r => r.Grant == "refresh_token" && r.User == TokenAuthRegistryFixture.User
            && r.Granted.Any(a => a.Name == name && a.Allows("push")));

        home.WriteConfig($$"""{ "auths": { "{{Host}}": { "auth": "{{Base64(TokenAuthRegistryFixture.User + ":")}}", "identitytoken": "revoked" } } }""");
        var revoked = (await Oreg.RunAsync(home, ["push", $"{layout.Directory}:v1", $"{Host}/{name}:v2"])).Expect(ExitCodes.Failure);
        Assert.Contains("UNAUTHORIZED", revoked.Stderr);
    }

    [Fact]
    public async Task A_stored_registry_token_is_sent_as_the_bearer_token_itself()
    {
        using var home = new DockerConfigHome();
        using var temp = new TempDirectory();
        var layout = Images.Small(temp.Child("src"), seed: 912);
        var name = Images.UniqueRepo("regtoken");
        // A token for exactly this repository, fetched from the issuer as a registry's own login flow would hand it out.
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get,
            $"{registry.Issuer.Realm}?service={TokenAuthRegistryFixture.Service}&scope=repository:{name}:pull,push");
        request.Headers.Authorization = new("Basic", Base64($"{TokenAuthRegistryFixture.User}:{TokenAuthRegistryFixture.Password}"));
        using var response = await http.SendAsync(request);
        var token = (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync())?["token"];
        Assert.False(string.IsNullOrEmpty(token));
        home.WriteConfig($$"""{ "auths": { "{{Host}}": { "registrytoken": "{{token}}" } } }""");
        var issued = registry.Issuer.Requests.Count;

        (await Oreg.RunAsync(home, ["push", $"{layout.Directory}:v1", $"{Host}/{name}:v1"])).Succeeded();
        Assert.Equal(issued, registry.Issuer.Requests.Count); // no token was fetched: the stored one did everything
        // It holds no rights elsewhere: another repository is refused.
        var elsewhere = (await Oreg.RunAsync(home, ["push", $"{layout.Directory}:v1", $"{Host}/{name}-other:v1"])).Expect(ExitCodes.Failure);
        Assert.Matches("UNAUTHORIZED|DENIED", elsewhere.Stderr);
    }
}

/// <summary>
/// The login contract against our own server with authentication on (its htpasswd users, its <c>/token</c> endpoint,
/// which hands out refresh tokens).
/// </summary>
public sealed class OurRegistryLoginTests(OrleansRegistry.TestSupport.Security.SecuredRegistryFixture registry)
    : LoginContract(registry.Registry.HostPort, "alice", registry.Users["alice"]),
        IClassFixture<OrleansRegistry.TestSupport.Security.SecuredRegistryFixture>
{
    protected override bool IssuesRefreshTokens => true;
}
