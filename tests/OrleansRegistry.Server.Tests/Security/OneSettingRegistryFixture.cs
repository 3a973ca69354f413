using OrleansRegistry.TestSupport.Security;

namespace OrleansRegistry.Server.Tests.Security;

/// <summary>
/// The one-setting set-up (only <c>Registry:Auth:Htpasswd</c>: every user may do everything and is an admin, anonymous
/// nothing), plus one trusted external issuer: TestSupport's <see cref="TokenIssuer"/>, whose certificate is configured.
/// </summary>
public sealed class OneSettingRegistryFixture : SecuredRegistryFixture, IAsyncLifetime
{
    public const string ExternalIssuer = "oreg-external-issuer";
    public const string ExternalService = "oreg-external-service";

    public const string JwksIssuer = "oreg-jwks-issuer";

    private TokenIssuer? _issuer;
    private TokenIssuer? _jwksIssuer;

    public TokenIssuer Issuer => _issuer ?? throw new InvalidOperationException("not started");

    /// <summary>A second external issuer, trusted through a JWKS file rather than a certificate bundle.</summary>
    public TokenIssuer JwksTokenIssuer => _jwksIssuer ?? throw new InvalidOperationException("not started");

    private string CertificatePath => Path.Combine(DataDirectory, "external-issuer.pem");

    private string JwksPath => Path.Combine(DataDirectory, "external-issuer.jwks");

    protected override async Task PrepareAsync()
    {
        _issuer = new TokenIssuer(ExternalIssuer, ExternalService, "ext-user", "ext-Pa55");
        await File.WriteAllTextAsync(CertificatePath, _issuer.RootCertificatePem);
        _jwksIssuer = new TokenIssuer(JwksIssuer, ExternalService, "jwks-user", "jwks-Pa55");
        await File.WriteAllTextAsync(JwksPath, Jwks(_jwksIssuer.RootCertificatePem));
    }

    /// <summary>RFC 7517 JWK Set of the certificate's EC public key.</summary>
    private static string Jwks(string certificatePem)
    {
        using var certificate = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(certificatePem);
        using var key = System.Security.Cryptography.X509Certificates.ECDsaCertificateExtensions.GetECDsaPublicKey(certificate)!;
        var p = key.ExportParameters(false);
        return System.Text.Json.JsonSerializer.Serialize(new
        {
            keys = new[] { new { kty = "EC", crv = "P-256", use = "sig", alg = "ES256", x = System.Buffers.Text.Base64Url.EncodeToString(p.Q.X!), y = System.Buffers.Text.Base64Url.EncodeToString(p.Q.Y!) } },
        });
    }

    protected override void Configure(IDictionary<string, string> settings)
    {
        settings["Registry__Auth__Token__TrustedIssuers__0__Issuer"] = ExternalIssuer;
        settings["Registry__Auth__Token__TrustedIssuers__0__Audience"] = ExternalService;
        settings["Registry__Auth__Token__TrustedIssuers__0__Certificates"] = CertificatePath;
        settings["Registry__Auth__Token__TrustedIssuers__1__Issuer"] = JwksIssuer;
        settings["Registry__Auth__Token__TrustedIssuers__1__Audience"] = ExternalService;
        settings["Registry__Auth__Token__TrustedIssuers__1__Jwks"] = JwksPath;
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        if (_issuer is not null) await _issuer.DisposeAsync();
        if (_jwksIssuer is not null) await _jwksIssuer.DisposeAsync();
    }
}
