using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using OrleansRegistry.Server.Tests.Infrastructure;
using OrleansRegistry.Server.Tests.Interop;

namespace OrleansRegistry.Server.Tests.Security;

/// <summary>
/// Real clients against authentication: skopeo 1.9.3 follows our Bearer challenge with
/// <c>--creds</c> and with an <c>--authfile</c> (containers-auth.json: <c>auths</c> with base64 <c>auth</c>); and
/// distribution 2.8.2's own token auth, trusting our signing certificate as <c>rootcertbundle</c>, accepts tokens
/// from our endpoint (the check that our tokens follow the Docker token specification as the reference reads it).
/// </summary>
[Collection(RulesRegistryCollection.Name)]
public sealed class SecuredInteropTests(RulesRegistryFixture fixture, InteropLayouts layouts) : IClassFixture<InteropLayouts>
{
    private string Host => fixture.Registry.HostPort;

    [Fact]
    public async Task Skopeo_pushes_with_creds_and_pulls_with_an_authfile()
    {
        var repo = TestImages.UniqueRepo("team-a");
        await Skopeo.CopyAsync(layouts.Image.Reference("v1"), $"docker://{Host}/{repo}:v1", "--dest-creds", $"bob:{fixture.Users["bob"]}");

        using var scratch = new TempDirectory();
        var authfile = scratch.Child("auth.json");
        var auth = Convert.ToBase64String(Encoding.UTF8.GetBytes($"carol:{fixture.Users["carol"]}"));
        await File.WriteAllTextAsync(authfile, JsonSerializer.Serialize(new { auths = new Dictionary<string, object> { [Host] = new { auth } } }));
        var pulled = new OciLayout(scratch.Child("pulled"));
        await Skopeo.CopyAsync($"docker://{Host}/{repo}:v1", pulled.Reference("v1"), "--src-authfile", authfile);
        LayoutAssert.SameContent(layouts.Image, pulled);

        // carol may only pull team-a: her push is refused.
        var refused = await Assert.ThrowsAnyAsync<Exception>(() =>
            Skopeo.CopyAsync(layouts.Image.Reference("v1"), $"docker://{Host}/{repo}:v2", "--dest-authfile", authfile));
        Assert.Contains("denied", refused.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Distribution_with_our_certificate_as_rootcertbundle_accepts_our_tokens()
    {
        var certificate = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(fixture.SigningKeyPath));
        var distribution = new TrustingDistributionRegistry(new Uri($"http://{Host}/token"), "orleans-registry", "orleans-registry",
            certificate.ExportCertificatePem());
        await distribution.InitializeAsync();
        try
        {
            // skopeo meets distribution's challenge, fetches the token from our realm with bob's credentials, and
            // distribution verifies it (signature chain to the bundle, iss, aud, exp/nbf, access).
            var repo = TestImages.UniqueRepo("team-a");
            await Skopeo.CopyAsync(layouts.Image.Reference("v1"), $"docker://{distribution.HostPort}/{repo}:v1",
                "--dest-creds", $"bob:{fixture.Users["bob"]}");
            Assert.Equal(["v1"], await Skopeo.ListTagsAsync($"docker://{distribution.HostPort}/{repo}", "--creds", $"bob:{fixture.Users["bob"]}"));

            // A token of ours granting only pull is refused by distribution for a push: it reads our access claim.
            var token = await fixture.TokenAsync("bob", $"repository:{repo}:pull");
            using var client = new HttpClient { BaseAddress = new Uri($"http://{distribution.HostPort}/") };
            client.DefaultRequestHeaders.Authorization = new("Bearer", token);
            using var pull = await client.GetAsync($"v2/{repo}/tags/list");
            Assert.Equal(System.Net.HttpStatusCode.OK, pull.StatusCode);
            using var push = await client.PostAsync($"v2/{repo}/blobs/uploads/", new ByteArrayContent([]));
            Assert.Equal(System.Net.HttpStatusCode.Unauthorized, push.StatusCode);
        }
        finally
        {
            await distribution.DisposeAsync();
        }
    }
}
