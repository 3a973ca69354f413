using OrleansRegistry.TestSupport.Security;

namespace OrleansRegistry.TestSupport.Mirrors;

/// <summary>
/// Our own registry with authentication on (<see cref="SecuredRegistryFixture"/>: htpasswd users, Bearer challenges
/// naming its <c>/token</c>) as a second upstream, mirrored twice: under <see cref="WithCredentials"/> as
/// <see cref="User"/>, and under <see cref="Anonymous"/> without credentials.
/// </summary>
public sealed class SecuredUpstreamMirrorFixture : MirrorRegistryFixture
{
    public const string WithCredentials = "ours";
    public const string Anonymous = "ours-anonymous";
    public const string User = "alice";

    public SecuredRegistryFixture Secured { get; } = new();

    public string Password => Secured.Users[User];

    protected override Task StartUpstreamsAsync() => Secured.InitializeAsync();

    protected override Task StopUpstreamsAsync() => Secured.DisposeAsync();

    protected override void Configure(Dictionary<string, string> settings)
    {
        var url = $"http://{Secured.Registry.HostPort}";
        AddMirror(settings, 1, url, WithCredentials, ("Username", User), ("Password", Password));
        AddMirror(settings, 2, url, Anonymous);
    }
}
