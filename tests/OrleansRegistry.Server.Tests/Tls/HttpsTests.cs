using System.Net;
using OrleansRegistry.Server.Tests.Infrastructure;
using OrleansRegistry.Server.Tests.Interop;

namespace OrleansRegistry.Server.Tests.Tls;

/// <summary>
/// <c>Registry:Tls</c>: the real server serves HTTPS with a PEM certificate from a private CA (beside plain HTTP), and
/// serves a replaced certificate without a restart. Clients verify it: an HttpClient trusting only that CA, and skopeo
/// with <c>--dest-cert-dir</c>.
/// </summary>
public sealed class HttpsTests(HttpsRegistryFixture fixture, InteropLayouts layouts)
    : IClassFixture<HttpsRegistryFixture>, IClassFixture<InteropLayouts>
{
    private static readonly TimeSpan ReloadBound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Https_serves_v2_with_the_configured_certificate_and_plain_http_still_answers()
    {
        using var client = fixture.CreateClient();
        using var response = await client.Http.GetAsync("v2/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("registry/2.0", response.Headers.GetValues("Docker-Distribution-API-Version").Single());
        Assert.Equal(fixture.IssuedThumbprint, client.LastCertificate);
        Assert.Equal("http", fixture.Registry.BaseAddress.Scheme);
        using var plain = await fixture.Registry.Client.GetAsync("v2/");
        Assert.Equal(HttpStatusCode.OK, plain.StatusCode);
    }

    [Fact]
    public async Task A_replaced_certificate_is_served_without_a_restart()
    {
        var pid = fixture.Registry.ProcessId;
        using var client = fixture.CreateClient();
        (await client.Http.GetAsync("v2/")).Dispose();
        var before = client.LastCertificate;
        Assert.Equal(fixture.IssuedThumbprint, before);

        var replaced = await fixture.IssueAsync();
        Assert.NotEqual(before, replaced);

        // Each request opens a new connection (the client pools none), so it shows what a new handshake gets.
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (client.LastCertificate != replaced && watch.Elapsed < ReloadBound)
        {
            await Task.Delay(100);
            using var response = await client.Http.GetAsync("v2/");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        Assert.Equal(replaced, client.LastCertificate);
        Assert.Equal(pid, fixture.Registry.ProcessId);
        Assert.False(fixture.Registry.HasExited);
        Assert.Contains("TLS certificate reloaded", fixture.Registry.Output);
    }

    [Fact]
    public async Task A_pair_that_does_not_load_leaves_the_served_certificate_until_the_key_follows()
    {
        var served = fixture.IssuedThumbprint;
        var next = fixture.Issue();
        var warningsBefore = Count(fixture.Registry.Output, "do not load");

        // The new certificate with the old key still in place: the pair does not match, so nothing changes.
        await IssuedCertificate.WriteReplacingAsync(fixture.ServerCertificatePath, next.CertificatePem);
        await Eventually.TrueAsync(() => Count(fixture.Registry.Output, "do not load") > warningsBefore, ReloadBound,
            "a warning about the mismatched pair", () => fixture.Registry.Output);
        using var client = fixture.CreateClient();
        using (var response = await client.Http.GetAsync("v2/")) Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(served, client.LastCertificate);

        // The key follows: now the new certificate is served.
        await IssuedCertificate.WriteReplacingAsync(fixture.ServerKeyPath, next.KeyPem);
        fixture.IssuedThumbprint = next.Thumbprint;
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (client.LastCertificate != next.Thumbprint && watch.Elapsed < ReloadBound)
        {
            await Task.Delay(100);
            (await client.Http.GetAsync("v2/")).Dispose();
        }
        Assert.Equal(next.Thumbprint, client.LastCertificate);
    }

    private static int Count(string text, string part) => (text.Length - text.Replace(part, "").Length) / part.Length;

    [Fact]
    public async Task Skopeo_pushes_and_pulls_over_https_trusting_the_CA_from_a_cert_dir()
    {
        var repo = $"{fixture.HttpsHostPort}/{TestImages.UniqueRepo("tls/skopeo")}";
        using var scratch = new TempDirectory();

        await Skopeo.CopyVerifiedAsync(layouts.Image.Reference("v1"), $"docker://{repo}:v1", fixture.CertificateDirectory);
        var pulled = new OciLayout(scratch.Child("pulled"));
        await Skopeo.CopyVerifiedAsync($"docker://{repo}:v1", pulled.Reference("v1"), fixture.CertificateDirectory);
        LayoutAssert.SameContent(layouts.Image, pulled);

        // Verification is real: without the CA the same push is refused for the certificate.
        var untrusting = Directory.CreateDirectory(scratch.Child("no-ca")).FullName;
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            Skopeo.CopyVerifiedAsync(layouts.Image.Reference("v1"), $"docker://{repo}:v2", untrusting));
        Assert.Contains("certificate", refused.Message);
    }
}
