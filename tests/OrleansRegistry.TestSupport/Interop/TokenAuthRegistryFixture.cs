namespace OrleansRegistry.TestSupport.Interop;

/// <summary>
/// CNCF distribution 2.8.2 with <c>auth: token</c> (the Docker token flow): every request without a valid Bearer token
/// gets 401 with <c>Bearer realm=...,service=...,scope=...</c> naming a loopback <see cref="TokenIssuer"/>, which
/// gives <see cref="User"/> / <see cref="Password"/> every action and anonymous callers only <c>pull</c>.
/// </summary>
public class TokenAuthRegistryFixture : DistributionRegistryFixture, IAsyncLifetime
{
    public const string User = "oreg-token-user";
    public const string Password = "t0ken-Pa55";
    public const string Service = "oreg-test-registry";
    public const string IssuerName = "oreg-test-token-issuer";

    private TokenIssuer? _issuer;

    public Uri Registry => new($"http://{HostPort}/");

    /// <summary>The token endpoint, with every request it answered.</summary>
    public TokenIssuer Issuer => _issuer ?? throw new InvalidOperationException("the fixture has not started");

    /// <summary>The loopback address the token issuer listens on (the realm's host).</summary>
    protected virtual string IssuerHost => "127.0.0.1";

    private string RootBundle => Root.Child("token-root.pem");

    protected override string ExtraConfig => $"""
        auth:
          token:
            realm: {Issuer.Realm}
            service: {Service}
            issuer: {IssuerName}
            rootcertbundle: {RootBundle}
        """;

    protected override async Task PrepareAsync()
    {
        _issuer = new TokenIssuer(IssuerName, Service, User, Password, IssuerHost);
        await File.WriteAllTextAsync(RootBundle, _issuer.RootCertificatePem);
    }

    // The base's DisposeAsync is not virtual; re-implementing the interface puts the issuer's shutdown after it.
    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        if (_issuer is not null)
            await _issuer.DisposeAsync();
    }
}
