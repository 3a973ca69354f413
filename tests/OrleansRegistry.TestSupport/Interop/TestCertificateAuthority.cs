using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace OrleansRegistry.TestSupport.Interop;

/// <summary>
/// A private CA made for a test (ECDSA P-256, valid from an hour ago for a day) that issues TLS server certificates
/// for loopback names: what a registry with a private-CA certificate looks like to its clients.
/// </summary>
public sealed class TestCertificateAuthority : IDisposable
{
    private readonly ECDsa _key;
    private readonly DateTimeOffset _notBefore = DateTimeOffset.UtcNow.AddHours(-1);
    private readonly DateTimeOffset _notAfter = DateTimeOffset.UtcNow.AddDays(1);

    public TestCertificateAuthority(string subject)
    {
        _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, _key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        Certificate = request.CreateSelfSigned(_notBefore, _notAfter);
    }

    public X509Certificate2 Certificate { get; }

    public string CertificatePem => Certificate.ExportCertificatePem() + "\n";

    /// <summary>A serverAuth certificate for these IP addresses and DNS names (subject alternative names), with a fresh key.</summary>
    public IssuedCertificate IssueServer(IReadOnlyList<IPAddress> addresses, IReadOnlyList<string>? dnsNames = null)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={addresses[0]}", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        foreach (var address in addresses) names.AddIpAddress(address);
        foreach (var name in dnsNames ?? []) names.AddDnsName(name);
        request.CertificateExtensions.Add(names.Build(critical: false));
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false)); // serverAuth
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Certificate, true, false));
        using var certificate = request.Create(Certificate, _notBefore, _notAfter, RandomNumberGenerator.GetBytes(16));
        return new IssuedCertificate(certificate.ExportCertificatePem() + "\n", key.ExportPkcs8PrivateKeyPem() + "\n", certificate.Thumbprint);
    }

    public void Dispose()
    {
        Certificate.Dispose();
        _key.Dispose();
    }
}

/// <summary>An issued certificate as PEM text, with its SHA-1 thumbprint (as <c>X509Certificate2.Thumbprint</c> gives it).</summary>
public sealed record IssuedCertificate(string CertificatePem, string KeyPem, string Thumbprint)
{
    /// <summary>Writes the pair; the key first, so a reader that sees the new certificate finds its key.</summary>
    public async Task WriteAsync(string certificatePath, string keyPath)
    {
        await WriteReplacingAsync(keyPath, KeyPem);
        await WriteReplacingAsync(certificatePath, CertificatePem);
    }

    /// <summary>Written beside and renamed over the old file, as tools that rotate certificates do: never half a file.</summary>
    public static async Task WriteReplacingAsync(string path, string text)
    {
        var temporary = path + ".tmp";
        await File.WriteAllTextAsync(temporary, text);
        File.Move(temporary, path, overwrite: true);
    }
}
