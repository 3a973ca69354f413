using System.Security.Authentication;
using OrleansRegistry.Cli.Hosting;
using OrleansRegistry.Cli.Parsing;
using OrleansRegistry.Client.Errors;

namespace OrleansRegistry.Cli.Tests;

/// <summary>
/// oreg against distribution 2.8.2 serving https on 127.0.0.1 with a certificate from a private CA
/// (<see cref="TlsRegistryFixture"/>): <c>--ca-file</c> trusts that CA, <c>--insecure</c> trusts anything, and a loopback
/// registry talks https only when one of them is on the command line.
/// </summary>
public sealed class TlsTests(TlsRegistryFixture registry) : IClassFixture<TlsRegistryFixture>
{
    [Fact]
    public async Task Without_tls_options_a_loopback_registry_gets_plain_http_and_a_foreign_CA_is_refused_by_name()
    {
        using var temp = new TempDirectory();
        var layout = Images.Small(temp.Child("src"), seed: 801);
        var repo = $"{registry.HostPort}/{Images.UniqueRepo("tls-none")}";

        // The loopback default is plain http, which an https-only registry answers with 400: exit 1, no TLS involved.
        var plain = (await Oreg.RunAsync("push", $"{layout.Directory}:v1", $"{repo}:v1")).Expect(ExitCodes.Failure);
        Assert.StartsWith("error: ", plain.Stderr);
        Assert.Contains("400", plain.Stderr);
        Assert.Contains("if the registry serves only https, give --ca-file FILE", plain.Stderr);
        Assert.DoesNotContain("certificate", plain.Stderr);
        Assert.DoesNotContain("   at ", plain.Stderr);

        // https, but the certificate's CA is not the one given: a certificate error that says why.
        var foreign = (await Oreg.RunAsync("--ca-file", registry.OtherCaCertificatePath, "push", $"{layout.Directory}:v1", $"{repo}:v1"))
            .Expect(ExitCodes.Failure);
        Assert.StartsWith("error: connection failed: ", foreign.Stderr);
        Assert.Contains("certificate", foreign.Stderr);
        Assert.Contains("chains neither to the system store nor to a --ca-file root", foreign.Stderr);
        Assert.DoesNotContain("   at ", foreign.Stderr);
    }

    [Fact]
    public async Task The_system_store_alone_refuses_the_private_CA_and_the_ca_file_roots_accept_it()
    {
        // The connector as oreg builds it for an https registry without --ca-file: only the system's validation.
        using (var system = new RegistryConnector(plainHttp: false, tlsForLoopback: true))
        {
            var refused = await Assert.ThrowsAsync<RegistryTransportException>(() => system.Connect(registry.HostPort).PingAsync());
            var authentication = Assert.IsType<AuthenticationException>(refused.InnerException?.InnerException);
            Assert.Contains("certificate chain", authentication.Message);
            Assert.Null(system.CertificateRejection);
        }
        var roots = GlobalOptions.From(new Dictionary<string, string?> { ["ca-file"] = registry.CaCertificatePath }, _ => null);
        using var trusting = new RegistryConnector(plainHttp: false, trustedRoots: roots.CaCertificates, tlsForLoopback: roots.TlsForLoopback);
        await trusting.Connect(registry.HostPort).PingAsync();
        Assert.Null(trusting.CertificateRejection);
    }

    [Fact]
    public async Task With_ca_file_push_and_pull_over_https_keep_the_digest()
    {
        var name = await CaFileRoundTrip.RunAsync(registry.HostPort, registry.CaCertificatePath, seed: 802, "tls-ca");

        // The registry really spoke TLS: the fixture's https client sees the pushed manifest.
        using var response = await registry.Client.GetAsync($"v2/{name}/tags/list");
        Assert.True(response.IsSuccessStatusCode);
        Assert.Equal("https", registry.Client.BaseAddress?.Scheme);
    }

    [Fact]
    public async Task With_insecure_push_and_pull_work_and_warn_once_unless_quiet()
    {
        using var temp = new TempDirectory();
        var layout = Images.Small(temp.Child("src"), seed: 803);
        var repo = $"{registry.HostPort}/{Images.UniqueRepo("tls-insecure")}";

        var push = (await Oreg.RunAsync("--insecure", "push", $"{layout.Directory}:v1", $"{repo}:v1")).Succeeded();
        Assert.Single(push.Stderr.Split('\n'), line => line == CliApp.InsecureWarning);
        // copy: two registries of the run (here the same one twice), still one warning.
        var copy = (await Oreg.RunAsync("--insecure", "copy", $"{repo}:v1", $"{repo}-copy:v1")).Succeeded();
        Assert.Single(copy.Stderr.Split('\n'), line => line == CliApp.InsecureWarning);
        var pull = (await Oreg.RunAsync("--insecure", "--quiet", "pull", $"{repo}-copy:v1", $"{temp.Child("pulled")}:v1")).Succeeded();
        Assert.DoesNotContain("warning", pull.Stderr);
        Images.AssertSameImage(layout, "v1", new OciLayout(temp.Child("pulled")), "v1");
    }

    [Fact]
    public async Task A_certificate_for_another_name_is_refused_with_ca_file_and_accepted_with_insecure()
    {
        // The certificate names the IP address 127.0.0.1 only; "localhost" reaches the same registry by another name.
        using var temp = new TempDirectory();
        var layout = Images.Small(temp.Child("src"), seed: 804);
        var port = registry.HostPort[(registry.HostPort.LastIndexOf(':') + 1)..];
        var repo = $"localhost:{port}/{Images.UniqueRepo("tls-name")}";

        var mismatch = (await Oreg.RunAsync("--ca-file", registry.CaCertificatePath, "push", $"{layout.Directory}:v1", $"{repo}:v1"))
            .Expect(ExitCodes.Failure);
        Assert.Contains("is not issued for the host name 'localhost'", mismatch.Stderr);
        Assert.DoesNotContain("   at ", mismatch.Stderr);

        (await Oreg.RunAsync("--insecure", "-q", "push", $"{layout.Directory}:v1", $"{repo}:v1")).Succeeded();
        (await Oreg.RunAsync("--insecure", "-q", "pull", $"{repo}:v1", $"{temp.Child("pulled")}:v1")).Succeeded();
        Images.AssertSameImage(layout, "v1", new OciLayout(temp.Child("pulled")), "v1");
    }
}
