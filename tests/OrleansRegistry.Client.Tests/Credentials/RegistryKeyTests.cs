using OrleansRegistry.Client.Credentials;

namespace OrleansRegistry.Client.Tests.Credentials;

/// <summary>
/// A registry at its scheme's default port has one key for oreg, the port left out as <see cref="Uri.Authority"/> gives
/// it to every command, and a second spelling with the port written out, as docker and podman keep <c>localhost:80</c>.
/// </summary>
public sealed class RegistryKeyTests
{
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
}
