using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using OrleansRegistry.Server.Tests.Infrastructure;
using OrleansRegistry.Server.Tests.Interop;

namespace OrleansRegistry.Server.Tests.Security;

/// <summary>
/// podman 4.3.1 against our server with authentication on: <c>podman login</c> (its Bearer flow
/// against our <c>/token</c>), then push and pull with the stored login, vfs storage; a user the rules let pull but
/// not push gets podman's "denied".
/// </summary>
[Collection(RulesRegistryCollection.Name)]
public sealed class PodmanInteropTests(RulesRegistryFixture fixture, InteropLayouts layouts) : IClassFixture<InteropLayouts>
{
    private string Host => fixture.Registry.HostPort;

    [Fact]
    public async Task Podman_login_refuses_a_wrong_password_then_pushes_and_pulls_back_the_same_image()
    {
        using var podman = new Podman();
        var wrong = await podman.LoginAsync(Host, "bob", "wrong-" + fixture.Users["bob"]);
        Assert.True(wrong.ExitCode != 0, $"a wrong password logged in:\n{wrong.Stderr}");
        Assert.Contains("invalid username/password", wrong.Stderr, StringComparison.OrdinalIgnoreCase);
        Assert.Null(AuthEntry(podman));

        var login = (await podman.LoginAsync(Host, "bob", fixture.Users["bob"])).EnsureSuccess();
        Assert.Contains("Login Succeeded", login.StdoutText);
        Assert.Equal(Convert.ToBase64String(Encoding.UTF8.GetBytes($"bob:{fixture.Users["bob"]}")), (string?)AuthEntry(podman)?["auth"]);

        var (config, diffIds) = SourceConfig();
        var id = await podman.LoadAsync(layouts.Image, "v1");
        Assert.Equal(config, "sha256:" + id); // podman's image id is its config's digest
        var name = $"{Host}/{TestImages.UniqueRepo("team-a")}:v1";
        await podman.TagAsync(id, name);
        var (push, pushed) = await podman.PushAsync(name, name);
        push.EnsureSuccess();
        Assert.NotNull(pushed);

        // What the server stores under the tag is the manifest podman pushed, naming the same config.
        var repo = name[(Host.Length + 1)..^":v1".Length];
        using (var client = fixture.ClientFor("bob"))
        using (var request = new HttpRequestMessage(HttpMethod.Get, $"v2/{repo}/manifests/v1"))
        {
            request.Headers.Accept.ParseAdd(TestImages.OciManifest);
            request.Headers.Accept.ParseAdd("application/vnd.docker.distribution.manifest.v2+json");
            using var response = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var manifest = await response.Content.ReadAsByteArrayAsync();
            Assert.Equal(pushed, TestImages.Digest(manifest));
            Assert.Equal(config, JsonNode.Parse(manifest)?["config"]?["digest"]?.GetValue<string>());
        }

        // Nothing left locally: the pull has to fetch config and layers from the server.
        await podman.RemoveAllImagesAsync();
        Assert.Equal(id, await podman.PullAsync(name));
        var pulled = await podman.InspectAsync(name);
        Assert.Equal(id, pulled.Id);
        Assert.Equal(pushed, pulled.Digest);
        Assert.Equal(diffIds, pulled.Layers); // the unpacked layers are the source's, byte for byte
    }

    [Fact]
    public async Task Podman_push_by_a_user_who_may_only_pull_is_denied_and_stores_nothing()
    {
        using var podman = new Podman();
        (await podman.LoginAsync(Host, "carol", fixture.Users["carol"])).EnsureSuccess();
        var repo = TestImages.UniqueRepo("team-a");
        var name = $"{Host}/{repo}:v1";
        await podman.TagAsync(await podman.LoadAsync(layouts.Image, "v1"), name);

        var (push, digest) = await podman.PushAsync(name, name);
        Assert.True(push.ExitCode != 0, $"carol pushed to {repo}:\n{push.Stderr}");
        Assert.Contains("denied", push.Stderr, StringComparison.OrdinalIgnoreCase);
        Assert.Null(digest);

        using var client = fixture.ClientFor("bob");
        using var tags = await client.GetAsync($"v2/{repo}/tags/list");
        Assert.Equal(HttpStatusCode.NotFound, tags.StatusCode);
    }

    private JsonNode? AuthEntry(Podman podman) => JsonNode.Parse(File.ReadAllText(podman.AuthFile))?["auths"]?[Host];

    /// <summary>The source image's config digest and its layers' diff ids.</summary>
    private (string Config, string[] DiffIds) SourceConfig()
    {
        var image = layouts.Image;
        using var manifest = JsonDocument.Parse(image.ReadBlob(image.ManifestDigest("v1")));
        var config = manifest.RootElement.GetProperty("config").GetProperty("digest").GetString()!;
        using var configJson = JsonDocument.Parse(image.ReadBlob(config));
        var diffIds = configJson.RootElement.GetProperty("rootfs").GetProperty("diff_ids").EnumerateArray().Select(d => d.GetString()!).ToArray();
        return (config, diffIds);
    }
}
