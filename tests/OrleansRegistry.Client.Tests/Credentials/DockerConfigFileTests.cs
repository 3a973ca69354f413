using System.Text;
using System.Text.Json.Nodes;
using OrleansRegistry.Client.Credentials;

namespace OrleansRegistry.Client.Tests.Credentials;

/// <summary>The <c>auths</c> store on a real file: docker's format both ways, every other key kept, owner-only atomic writes.</summary>
public sealed class DockerConfigFileTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    private string Directory => _temp.Child("docker");

    private string ConfigPath => Path.Combine(Directory, "config.json");

    private DockerCredentials Store() => new(Directory, _ => null);

    private static string Base64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    private JsonObject Read() => (JsonObject)JsonNode.Parse(File.ReadAllText(ConfigPath))!;

    private void WriteConfig(string json)
    {
        System.IO.Directory.CreateDirectory(Directory);
        File.WriteAllText(ConfigPath, json);
    }

    [Fact]
    public async Task A_stored_credential_is_docker_s_auth_entry_in_an_owner_only_file_and_reads_back()
    {
        var store = Store();
        Assert.Null(await store.GetAsync("registry.example.com:5000")); // no file yet

        await store.StoreAsync("registry.example.com:5000", new RegistryCredential("alice", "pa:ss wörd"));

        Assert.Equal(Base64("alice:pa:ss wörd"), (string?)Read()["auths"]?["registry.example.com:5000"]?["auth"]);
        Assert.Equal(new RegistryCredential("alice", "pa:ss wörd"), await store.GetAsync("registry.example.com:5000"));
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(ConfigPath));
        // The write went through a temporary file renamed over config.json: nothing of it is left behind.
        Assert.Equal(["config.json", "config.json.lock"], System.IO.Directory.GetFiles(Directory).Select(Path.GetFileName).Order());
    }

    [Fact]
    public async Task Keys_with_a_scheme_or_path_legacy_fields_and_tokens_are_read_as_docker_reads_them()
    {
        System.IO.Directory.CreateDirectory(Directory);
        await File.WriteAllTextAsync(ConfigPath, $$"""
            {
              "auths": {
                "https://old.example.com/v1/": { "auth": "{{Base64("bob:b0b")}}" },
                "spelled.example.com": { "username": "carol", "password": "c4rol" },
                "refresh.example.com": { "auth": "{{Base64("dave:")}}", "identitytoken": "refresh-123" },
                "bearer.example.com": { "registrytoken": "bearer-456" },
                "helper-left.example.com": {}
              },
            }
            """);
        var store = Store();

        Assert.Equal(new RegistryCredential("bob", "b0b"), await store.GetAsync("old.example.com"));
        Assert.Equal(new RegistryCredential("carol", "c4rol"), await store.GetAsync("spelled.example.com"));
        Assert.Equal(new RegistryCredential("dave", null) { IdentityToken = "refresh-123" }, await store.GetAsync("refresh.example.com"));
        Assert.Equal(new RegistryCredential(null, null) { RegistryToken = "bearer-456" }, await store.GetAsync("bearer.example.com"));
        Assert.Null(await store.GetAsync("helper-left.example.com"));
        Assert.Null(await store.GetAsync("old.example.com:5000")); // another port is another registry
        Assert.DoesNotContain("b0b", (await store.GetAsync("old.example.com"))!.ToString());
    }

    [Fact]
    public async Task Docker_Hub_names_share_docker_s_key_and_erase_removes_every_alias_of_the_host_only()
    {
        System.IO.Directory.CreateDirectory(Directory);
        await File.WriteAllTextAsync(ConfigPath, $$"""
            {
              "auths": {
                "https://reg.example.com/": { "auth": "{{Base64("a:1")}}" },
                "reg.example.com": { "auth": "{{Base64("a:2")}}" },
                "reg.example.com:5000": { "auth": "{{Base64("a:3")}}" }
              },
              "credHelpers": {},
              "HttpHeaders": { "User-Agent": "kept" }
            }
            """);
        var store = Store();
        await store.StoreAsync("docker.io", new RegistryCredential("hub", "h"));
        Assert.Equal(new RegistryCredential("hub", "h"), await store.GetAsync("registry-1.docker.io"));
        Assert.NotNull(Read()["auths"]?[RegistryKey.DockerHub]);

        Assert.True(await store.EraseAsync("reg.example.com"));
        Assert.False(await store.EraseAsync("reg.example.com"));
        var auths = Read()["auths"]!.AsObject().Select(p => p.Key).Order();
        Assert.Equal([RegistryKey.DockerHub, "reg.example.com:5000"], auths);
        Assert.Equal("kept", (string?)Read()["HttpHeaders"]?["User-Agent"]);
    }

    [Fact]
    public async Task A_symlinked_config_json_stays_a_link_and_its_target_gets_the_entry()
    {
        if (OperatingSystem.IsWindows())
            throw new PlatformNotSupportedException("symbolic links need privileges on Windows");
        var dotfiles = _temp.Child("dotfiles");
        System.IO.Directory.CreateDirectory(dotfiles);
        System.IO.Directory.CreateDirectory(Directory);
        var target = Path.Combine(dotfiles, "docker-config.json");
        await File.WriteAllTextAsync(target, """{ "detachKeys": "ctrl-e,e" }""");
        File.CreateSymbolicLink(ConfigPath, target);

        await Store().StoreAsync("reg.example.com", new RegistryCredential("u", "p"));

        Assert.Equal(target, new FileInfo(ConfigPath).LinkTarget);
        var written = (JsonObject)JsonNode.Parse(await File.ReadAllTextAsync(target))!;
        Assert.Equal("ctrl-e,e", (string?)written["detachKeys"]);
        Assert.Equal(Base64("u:p"), (string?)written["auths"]?["reg.example.com"]?["auth"]);
    }

    [Fact]
    public async Task Concurrent_stores_all_land()
    {
        var store = Store();
        await Task.WhenAll(Enumerable.Range(0, 12).Select(i =>
            Task.Run(() => store.StoreAsync($"reg{i}.example.com", new RegistryCredential($"u{i}", $"p{i}")))));
        for (var i = 0; i < 12; i++)
            Assert.Equal(new RegistryCredential($"u{i}", $"p{i}"), await store.GetAsync($"reg{i}.example.com"));
    }

    [Fact]
    public async Task An_entry_docker_wrote_with_the_default_port_serves_the_address_without_it_and_the_normalised_one_wins()
    {
        WriteConfig($$"""{ "auths": { "localhost:80": { "auth": "{{Base64("docker:d")}}" }, "localhost:443": { "auth": "{{Base64("other:o")}}" } } }""");
        var store = Store();
        Assert.Equal(new RegistryCredential("docker", "d"), await store.GetAsync(new Uri("http://localhost/")));
        Assert.Equal(new RegistryCredential("docker", "d"), await store.GetAsync(new Uri("http://localhost:80/")));

        // What oreg login stores (under the normalised key) is found first; the older spelling stays readable.
        await store.StoreAsync(RegistryKey.For(new Uri("http://localhost:80/")), new RegistryCredential("oreg", "n"));
        Assert.Equal(new RegistryCredential("oreg", "n"), await store.GetAsync(new Uri("http://localhost/")));
        Assert.Equal(new RegistryCredential("docker", "d"), await store.GetAsync("localhost:80"));

        WriteConfig($$"""{ "auths": { "https://registry.example.com:443/v2/": { "auth": "{{Base64("podman:p")}}" } } }""");
        Assert.Equal(new RegistryCredential("podman", "p"), await store.GetAsync(new Uri("https://registry.example.com/")));
        Assert.Null(await store.GetAsync(new Uri("https://registry.example.com:5000/")));
    }

    [Fact]
    public async Task Erasing_by_address_removes_every_spelling_and_nothing_else()
    {
        WriteConfig($$"""
            {
              "auths": {
                "localhost": { "auth": "{{Base64("a:1")}}" },
                "localhost:80": { "auth": "{{Base64("a:2")}}" },
                "localhost:443": { "auth": "{{Base64("a:3")}}" },
                "localhost:5000": { "auth": "{{Base64("a:4")}}" }
              }
            }
            """);
        var store = Store();

        Assert.True(await store.EraseAsync(new Uri("http://localhost/")));
        Assert.False(await store.EraseAsync(new Uri("http://localhost/")));
        Assert.Null(await store.GetAsync(new Uri("http://localhost/")));
        var left = Read()["auths"]!.AsObject().Select(p => p.Key).Order();
        Assert.Equal(["localhost:443", "localhost:5000"], left);
    }

    [Theory]
    [InlineData("{ \"auths\": ", "is not valid JSON")]
    [InlineData("[]", "is not a JSON object")]
    [InlineData("{ \"auths\": { \"reg.example.com\": { \"auth\": \"not base64!\" } } }", "is not base64")]
    public async Task A_malformed_file_is_an_error_that_names_it_and_is_never_overwritten(string content, string message)
    {
        System.IO.Directory.CreateDirectory(Directory);
        await File.WriteAllTextAsync(ConfigPath, content);
        var store = Store();

        var read = await Assert.ThrowsAsync<CredentialStoreException>(() => store.GetAsync("reg.example.com"));
        Assert.Contains(message, read.Message);
        if (!content.Contains("auth\""))
        {
            var write = await Assert.ThrowsAsync<CredentialStoreException>(() => store.StoreAsync("reg.example.com", new RegistryCredential("u", "p")));
            Assert.Contains(ConfigPath, write.Message);
        }
        Assert.Equal(content, await File.ReadAllTextAsync(ConfigPath));
    }

    [Fact]
    public void The_configuration_is_DOCKER_CONFIG_else_dot_docker_in_the_home_directory()
    {
        Assert.Equal("/etc/dc", DockerConfigFile.DefaultDirectory(name => name == "DOCKER_CONFIG" ? "/etc/dc" : "/home/x"));
        Assert.Equal(Path.Combine("/home/x", ".docker"), DockerConfigFile.DefaultDirectory(name => name == "HOME" ? "/home/x" : null));
    }

    public void Dispose() => _temp.Dispose();
}
