using OrleansRegistry.TestSupport.Interop;

namespace OrleansRegistry.TestSupport.Mirrors;

/// <summary>
/// A registry whose Bearer challenge names a token realm on another host over plain http
/// (<see cref="ForeignRealmRegistryFixture"/>: distribution on 127.0.0.1, its issuer on 127.0.0.2) as a second
/// upstream, mirrored twice with its credentials: under <see cref="Untrusted"/> as configured, and under
/// <see cref="Trusted"/> with the realm's host in <c>TrustedRealmHosts</c>.
/// </summary>
public sealed class ForeignRealmMirrorFixture : MirrorRegistryFixture
{
    public const string Untrusted = "foreign";
    public const string Trusted = "trusted";

    public ForeignRealmRegistryFixture Foreign { get; } = new();

    protected override Task StartUpstreamsAsync() => ((IAsyncLifetime)Foreign).InitializeAsync();

    protected override Task StopUpstreamsAsync() => ((IAsyncLifetime)Foreign).DisposeAsync();

    protected override void Configure(Dictionary<string, string> settings)
    {
        var url = $"http://{Foreign.HostPort}";
        (string, string)[] credentials = [("Username", TokenAuthRegistryFixture.User), ("Password", TokenAuthRegistryFixture.Password)];
        AddMirror(settings, 1, url, Untrusted, credentials);
        AddMirror(settings, 2, url, Trusted, [.. credentials, ("TrustedRealmHosts__0", ForeignRealmRegistryFixture.RealmHost)]);
    }
}
