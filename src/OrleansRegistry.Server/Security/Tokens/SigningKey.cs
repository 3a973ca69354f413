using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using OrleansRegistry.Core.Schema1;
using OrleansRegistry.Server.Hosting;

namespace OrleansRegistry.Server.Security.Tokens;

/// <summary>
/// The key our tokens are signed with and its certificate: from <c>Token:SigningKey</c>/<c>Token:SigningCertificate</c>,
/// or generated once into <c>&lt;DataDirectory&gt;/auth/token-signing.pem</c> (key and certificate in one file, created
/// under a temporary name and linked into place without overwriting), so that silos starting together on one data
/// directory all end with the first silo's key: a token one silo issued verifies on every other.
/// </summary>
public sealed class SigningKey : IDisposable
{
    public const string GeneratedFileName = "token-signing.pem";

    public SigningKey(IOptions<AuthOptions> auth, IOptions<RegistryOptions> registry, ILogger<SigningKey> logger)
    {
        var token = auth.Value.Token;
        string pem;
        if (!string.IsNullOrWhiteSpace(token.SigningKey))
        {
            pem = File.ReadAllText(token.SigningKey);
            if (!string.IsNullOrWhiteSpace(token.SigningCertificate)) pem += "\n" + File.ReadAllText(token.SigningCertificate);
        }
        else
        {
            var path = Path.Combine(Path.GetFullPath(registry.Value.DataDirectory), "auth", GeneratedFileName);
            pem = LoadOrCreate(path, logger);
        }
        Key = ECDsa.Create();
        Key.ImportFromPem(pem);
        if (Key.KeySize != 256) throw new InvalidOperationException("the token signing key must be an EC P-256 key (ES256)");
        Certificate = pem.Contains("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal)
            ? X509Certificate2.CreateFromPem(pem)
            : SelfSigned(Key);
        KeyId = LibtrustKey.From(Key).KeyId;
        SecurityKey = new ECDsaSecurityKey(Key) { KeyId = KeyId };
    }

    public ECDsa Key { get; }

    /// <summary>Goes in the token header's <c>x5c</c>; its PEM is what a registry puts in its <c>rootcertbundle</c>.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>libtrust's key id of the public key (distribution's <c>kid</c>).</summary>
    public string KeyId { get; }

    public SecurityKey SecurityKey { get; }

    public string CertificatePem => Certificate.ExportCertificatePem();

    private static string LoadOrCreate(string path, ILogger logger)
    {
        if (File.Exists(path)) return File.ReadAllText(path);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var certificate = SelfSigned(key);
        var pem = key.ExportPkcs8PrivateKeyPem() + "\n" + certificate.ExportCertificatePem() + "\n";
        var temp = $"{path}.{Guid.NewGuid():N}.tmp";
        File.WriteAllText(temp, pem);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        try
        {
            File.Move(temp, path, overwrite: false); // link(2) on Unix: fails if another silo got there first
            logger.LogInformation("Generated the token signing key {Path}", path);
            return pem;
        }
        catch (IOException) when (File.Exists(path))
        {
            File.Delete(temp);
            return File.ReadAllText(path);
        }
    }

    private static X509Certificate2 SelfSigned(ECDsa key)
    {
        var request = new CertificateRequest("CN=orleans-registry token signer", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyCertSign, true));
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] = (byte)((serial[0] & 0x7F) | 0x01); // positive: Go's x509 refuses negative serials
        var now = DateTimeOffset.UtcNow;
        return request.Create(request.SubjectName, X509SignatureGenerator.CreateForECDsa(key), now.AddDays(-1), now.AddYears(10), serial);
    }

    public void Dispose()
    {
        Certificate.Dispose();
        Key.Dispose();
    }
}
