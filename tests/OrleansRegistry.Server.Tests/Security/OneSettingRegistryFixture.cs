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

    private TokenIssuer? _issuer;

    public TokenIssuer Issuer => _issuer ?? throw new InvalidOperationException("not started");

    private string CertificatePath => Path.Combine(DataDirectory, "external-issuer.pem");

    protected override async Task PrepareAsync()
    {
        _issuer = new TokenIssuer(ExternalIssuer, ExternalService, "ext-user", "ext-Pa55");
        await File.WriteAllTextAsync(CertificatePath, _issuer.RootCertificatePem);
    }

    protected override void Configure(IDictionary<string, string> settings)
    {
        settings["Registry__Auth__Token__TrustedIssuers__0__Issuer"] = ExternalIssuer;
        settings["Registry__Auth__Token__TrustedIssuers__0__Audience"] = ExternalService;
        settings["Registry__Auth__Token__TrustedIssuers__0__Certificates"] = CertificatePath;
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        if (_issuer is not null) await _issuer.DisposeAsync();
    }
}
