namespace OrleansRegistry.TestSupport.Interop;

/// <summary>
/// <see cref="TokenAuthRegistryFixture"/> whose token realm is another host than the registry's: the issuer listens on
/// 127.0.0.2 over plain http while the registry is at 127.0.0.1, as a registry naming a stranger's token endpoint.
/// </summary>
public sealed class ForeignRealmRegistryFixture : TokenAuthRegistryFixture
{
    public const string RealmHost = "127.0.0.2";

    protected override string IssuerHost => RealmHost;
}
