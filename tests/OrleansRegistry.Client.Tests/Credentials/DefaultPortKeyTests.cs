using System.Text;
using System.Text.Json.Nodes;
using OrleansRegistry.Client.Credentials;

namespace OrleansRegistry.Client.Tests.Credentials;

/// <summary>
/// A registry at its scheme's default port has one key for oreg (the port left out, as <see cref="Uri.Authority"/>
/// gives it to every command), while docker and podman keep <c>localhost:80</c> as typed: both are read, on a real file.
/// </summary>
public sealed class DefaultPortKeyTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    private string Directory => _temp.Child("docker");

    private DockerCredentials Store() => new(Directory, _ => null);

    private static string Base64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    private void WriteAuths(params (string Key, string Auth)[] entries)
    {
        System.IO.Directory.CreateDirectory(Directory);
        var auths = new JsonObject();
        foreach (var (key, auth) in entries)
            auths[key] = new JsonObject { ["auth"] = Base64(auth) };
        File.WriteAllText(Path.Combine(Directory, "config.json"), new JsonObject { ["auths"] = auths }.ToJsonString());
    }

    [Theory]
    [InlineData("http://localhost:80/", "localhost", "localhost:80")]
    [InlineData("http://LocalHost/", "localhost", "localhost:80")]
    [InlineData("https://registry.example.com:443/", "registry.example.com", "registry.example.com:443")]
    [InlineData("http://[::1]:80/", "[::1]", "[::1]:80")]
    [InlineData("https://docker.io/", RegistryKey.DockerHub, "docker.io:443")]
    public void A_default_port_is_left_out_of_the_key_and_written_out_in_the_second_spelling(string address, string key, string alias)
    {
        var registry = new Uri(address);
        Assert.Equal(key, RegistryKey.For(registry));
        Assert.Equal([key, alias], RegistryKey.Spellings(registry));
    }

    [Theory]
    [InlineData("http://localhost:443/", "localhost:443")] // 443 is not HTTP's default: another registry than localhost
    [InlineData("https://localhost:80/", "localhost:80")]
    [InlineData("http://127.0.0.1:5000/", "127.0.0.1:5000")]
    public void Any_other_port_is_kept_and_is_the_only_spelling(string address, string key)
    {
        Assert.Equal(key, RegistryKey.For(new Uri(address)));
        Assert.Equal([key], RegistryKey.Spellings(new Uri(address)));
    }

    [Fact]
    public async Task An_entry_docker_wrote_with_the_default_port_serves_the_address_without_it_and_the_normalised_one_wins()
    {
        WriteAuths(("localhost:80", "docker:d"), ("localhost:443", "other:o"));
        var store = Store();
        Assert.Equal(new RegistryCredential("docker", "d"), await store.GetAsync(new Uri("http://localhost/")));
        Assert.Equal(new RegistryCredential("docker", "d"), await store.GetAsync(new Uri("http://localhost:80/")));

        // What oreg login stores (under the normalised key) is found first; the older spelling stays readable.
        await store.StoreAsync(RegistryKey.For(new Uri("http://localhost:80/")), new RegistryCredential("oreg", "n"));
        Assert.Equal(new RegistryCredential("oreg", "n"), await store.GetAsync(new Uri("http://localhost/")));
        Assert.Equal(new RegistryCredential("docker", "d"), await store.GetAsync("localhost:80"));

        WriteAuths(("https://registry.example.com:443/v2/", "podman:p"));
        Assert.Equal(new RegistryCredential("podman", "p"), await store.GetAsync(new Uri("https://registry.example.com/")));
        Assert.Null(await store.GetAsync(new Uri("https://registry.example.com:5000/")));
    }

    [Fact]
    public async Task Erasing_by_address_removes_every_spelling_and_nothing_else()
    {
        WriteAuths(("localhost", "a:1"), ("localhost:80", "a:2"), ("localhost:443", "a:3"), ("localhost:5000", "a:4"));
        var store = Store();

        Assert.True(await store.EraseAsync(new Uri("http://localhost/")));
        Assert.False(await store.EraseAsync(new Uri("http://localhost/")));
        Assert.Null(await store.GetAsync(new Uri("http://localhost/")));
        var left = JsonNode.Parse(File.ReadAllText(Path.Combine(Directory, "config.json")))!["auths"]!.AsObject().Select(p => p.Key).Order();
        Assert.Equal(["localhost:443", "localhost:5000"], left);
    }

    public void Dispose() => _temp.Dispose();
}
