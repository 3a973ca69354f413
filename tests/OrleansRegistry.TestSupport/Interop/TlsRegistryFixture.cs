using System.Net;

namespace OrleansRegistry.TestSupport.Interop;

/// <summary>
/// CNCF distribution 2.8.2 serving https (<c>http.tls</c>) on loopback with a certificate for the IP address
/// <c>127.0.0.1</c> only (no DNS name, so <c>localhost</c> does not match it), signed by a private CA made for the
/// fixture (<see cref="CaCertificatePath"/>); <see cref="OtherCaCertificatePath"/> is an unrelated CA that signed
/// nothing here. All certificates are ECDSA P-256, valid from an hour ago for a day.
/// </summary>
public sealed class TlsRegistryFixture : DistributionRegistryFixture
{
    public override string Scheme => "https";

    public Uri Registry => new($"https://{HostPort}/");

    /// <summary>The PEM certificate of the CA that issued the registry's certificate.</summary>
    public string CaCertificatePath => Root.Child("ca.pem");

    /// <summary>The PEM certificate of a CA the registry's certificate does not chain to.</summary>
    public string OtherCaCertificatePath => Root.Child("other-ca.pem");

    private string ServerCertificatePath => Root.Child("server.pem");

    private string ServerKeyPath => Root.Child("server-key.pem");

    protected override string ExtraHttpConfig => $"""
        tls:
          certificate: {ServerCertificatePath}
          key: {ServerKeyPath}
        """;

    protected override async Task PrepareAsync()
    {
        using var ca = new TestCertificateAuthority("CN=oreg test CA");
        using var other = new TestCertificateAuthority("CN=oreg unrelated test CA");
        await File.WriteAllTextAsync(CaCertificatePath, ca.CertificatePem);
        await File.WriteAllTextAsync(OtherCaCertificatePath, other.CertificatePem);
        await ca.IssueServer([IPAddress.Loopback]).WriteAsync(ServerCertificatePath, ServerKeyPath);
    }
}
