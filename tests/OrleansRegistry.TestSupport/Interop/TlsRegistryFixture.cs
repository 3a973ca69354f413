using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

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
        var now = DateTimeOffset.UtcNow;
        var (notBefore, notAfter) = (now.AddHours(-1), now.AddDays(1));
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var ca = Authority("CN=oreg test CA", caKey, notBefore, notAfter);
        using var otherKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var other = Authority("CN=oreg unrelated test CA", otherKey, notBefore, notAfter);

        using var serverKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=127.0.0.1", serverKey, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build(critical: false));
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false)); // serverAuth
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, true, false));
        using var server = request.Create(ca, notBefore, notAfter, RandomNumberGenerator.GetBytes(16));

        await File.WriteAllTextAsync(CaCertificatePath, ca.ExportCertificatePem() + "\n");
        await File.WriteAllTextAsync(OtherCaCertificatePath, other.ExportCertificatePem() + "\n");
        await File.WriteAllTextAsync(ServerCertificatePath, server.ExportCertificatePem() + "\n");
        await File.WriteAllTextAsync(ServerKeyPath, serverKey.ExportPkcs8PrivateKeyPem() + "\n");
    }

    private static X509Certificate2 Authority(string subject, ECDsa key, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return request.CreateSelfSigned(notBefore, notAfter);
    }
}
