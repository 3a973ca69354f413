namespace OrleansRegistry.Cli.Tests;

/// <summary>
/// oreg against our own server serving HTTPS (<c>Registry:Tls</c>, <see cref="HttpsRegistryFixture"/>) with a
/// certificate from a private CA: <c>--ca-file</c> trusting that CA pushes and pulls; without it the certificate is
/// refused.
/// </summary>
public sealed class OurHttpsRegistryTests(HttpsRegistryFixture registry) : IClassFixture<HttpsRegistryFixture>
{
    [Fact]
    public async Task With_ca_file_push_and_pull_over_https_keep_the_digest()
    {
        var name = await CaFileRoundTrip.RunAsync(registry.HttpsHostPort, registry.CaCertificatePath, seed: 811, "our-tls");

        // The server really spoke TLS with its configured certificate: a client trusting only the CA sees the tag.
        using var client = registry.CreateClient();
        using var tags = await client.Http.GetAsync($"v2/{name}/tags/list");
        Assert.True(tags.IsSuccessStatusCode);
        Assert.Equal(registry.IssuedThumbprint, client.LastCertificate);
    }

    [Fact]
    public async Task Without_the_CA_the_certificate_is_refused()
    {
        using var temp = new TempDirectory();
        var layout = Images.Small(temp.Child("src"), seed: 812);
        var repo = $"{registry.HttpsHostPort}/{Images.UniqueRepo("our-tls-untrusted")}";
        using var other = new TestCertificateAuthority("CN=unrelated CA");
        var otherCa = temp.Child("other-ca.pem");
        await File.WriteAllTextAsync(otherCa, other.CertificatePem);

        var refused = (await Oreg.RunAsync("--ca-file", otherCa, "push", $"{layout.Directory}:v1", $"{repo}:v1"))
            .Expect(ExitCodes.Failure);
        Assert.StartsWith("error: connection failed: ", refused.Stderr);
        Assert.Contains("certificate", refused.Stderr);
    }
}
