namespace OrleansRegistry.TestSupport.Interop;

/// <summary>
/// CNCF distribution 2.8.2 with <c>auth: token</c> pointing at another token server (ours, in the interop tests): its
/// realm, service and issuer, and that server's signing certificate as <c>rootcertbundle</c>. Start it with
/// <see cref="DistributionRegistryFixture.InitializeAsync"/>.
/// </summary>
public sealed class TrustingDistributionRegistry(Uri realm, string service, string issuer, string certificatePem) : DistributionRegistryFixture
{
    private string RootBundle => Root.Child("token-root.pem");

    protected override string ExtraConfig => $"""
        auth:
          token:
            realm: {realm}
            service: {service}
            issuer: {issuer}
            rootcertbundle: {RootBundle}
        """;

    protected override Task PrepareAsync() => File.WriteAllTextAsync(RootBundle, certificatePem);
}
