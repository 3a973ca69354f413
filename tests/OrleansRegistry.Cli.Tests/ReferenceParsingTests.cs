using OrleansRegistry.Cli.Hosting;
using OrleansRegistry.Cli.Parsing;
using OrleansRegistry.Core;

namespace OrleansRegistry.Cli.Tests;

public sealed class ReferenceParsingTests
{
    private const string Hex = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    [Theory]
    [InlineData("127.0.0.1:5000/team/app", "127.0.0.1:5000", "team/app", null, null)]
    [InlineData("localhost/app:v1", "localhost", "app", "v1", null)]
    [InlineData("registry.example.com/a/b/c:1.0-rc_1", "registry.example.com", "a/b/c", "1.0-rc_1", null)]
    [InlineData("[::1]:5000/app@sha256:" + Hex, "[::1]:5000", "app", null, "sha256:" + Hex)]
    [InlineData("ghcr.io/app:v1@sha256:" + Hex, "ghcr.io", "app", "v1", "sha256:" + Hex)]
    public void Image_references_split_into_host_repository_tag_and_digest(string text, string host, string repo, string? tag, string? digest)
    {
        var reference = ImageReference.Parse(text);
        Assert.Equal(host, reference.Host);
        Assert.Equal(repo, reference.Repository);
        Assert.Equal(tag, reference.Tag);
        Assert.Equal(digest, reference.Digest?.ToString());
        Assert.Equal(text, reference.ToString());
    }

    [Fact]
    public void The_manifest_reference_prefers_the_digest_and_defaults_to_latest()
    {
        Assert.Equal("latest", ImageReference.Parse("h.io/app").ManifestReference);
        Assert.Equal("v1", ImageReference.Parse("h.io/app:v1").ManifestReference);
        Assert.Equal("sha256:" + Hex, ImageReference.Parse($"h.io/app:v1@sha256:{Hex}").ManifestReference);
    }

    [Theory]
    [InlineData("localhost:5000", true)]
    [InlineData("127.0.0.1:5000", true)]
    [InlineData("127.9.9.9", true)]
    [InlineData("[::1]:5000", true)]
    [InlineData("registry.example.com", false)]
    [InlineData("10.0.0.1:5000", false)]
    public void Loopback_hosts_are_recognised(string host, bool loopback) =>
        Assert.Equal(loopback, ImageReference.IsLoopback(host));

    [Theory]
    [InlineData("registry.example.com", false, false, "https")]
    [InlineData("registry.example.com", true, false, "http")]      // --plain-http
    [InlineData("registry.example.com", false, true, "https")]
    [InlineData("127.0.0.1:5000", false, false, "http")]           // loopback: http by default
    [InlineData("localhost:5000", false, false, "http")]
    [InlineData("127.0.0.1:5000", false, true, "https")]           // ... https with --ca-file or --insecure
    [InlineData("[::1]:5000", false, true, "https")]
    [InlineData("localhost", false, true, "https")]
    public void Https_unless_plain_http_or_loopback_and_loopback_too_when_tls_is_asked_for(
        string host, bool plainHttp, bool tlsForLoopback, string scheme)
    {
        using var connector = new RegistryConnector(plainHttp, tlsForLoopback: tlsForLoopback);
        Assert.Equal(new Uri($"{scheme}://{host}/"), connector.BaseAddress(host));
    }

    [Theory]
    [InlineData("layout", "layout", null)]
    [InlineData("layout:v1", "layout", "v1")]
    [InlineData("oci:/tmp/x/layout:v1", "/tmp/x/layout", "v1")]
    [InlineData("./a:b/layout", "./a:b/layout", null)]   // the ':' is part of the path: "b/layout" is no tag
    public void Layout_references_split_into_directory_and_tag(string text, string directory, string? tag)
    {
        var reference = LayoutReference.Parse(text);
        Assert.Equal(directory, reference.Directory);
        Assert.Equal(tag, reference.Tag);
    }

    [Theory]
    [InlineData(":v1")]
    [InlineData("layout:")]
    [InlineData("layout:-v1")]
    public void Malformed_layout_references_are_usage_errors(string text) =>
        Assert.Throws<UsageException>(() => LayoutReference.Parse(text));

    [Fact]
    public void Digests_must_be_supported_algorithms()
    {
        Assert.Throws<UsageException>(() => ImageReference.Parse("h.io/app@md5:abc"));
        Assert.Equal(Digest.Sha512, ImageReference.Parse($"h.io/app@sha512:{Hex}{Hex}").Digest?.Algorithm);
    }
}
