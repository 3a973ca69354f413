using System.Net;

namespace OrleansRegistry.Server.Tests.Security;

/// <summary>With authentication on, /metrics and /dashboard need the admin group; a Basic challenge lets a browser prompt.</summary>
[Collection(RulesRegistryCollection.Name)]
public sealed class OperationsAuthTests(RulesRegistryFixture fixture)
{
    [Theory]
    [InlineData("metrics")]
    [InlineData("dashboard/")]
    [InlineData("dashboard/GrainTypes")]
    public async Task Operations_pages_are_for_admins_only(string path)
    {
        using var anonymous = fixture.ClientFor(null);
        using var challenged = await anonymous.GetAsync(path);
        Assert.Equal(HttpStatusCode.Unauthorized, challenged.StatusCode);
        Assert.StartsWith("Basic realm=", challenged.Headers.WwwAuthenticate.ToString());

        using var bob = fixture.ClientFor("bob");
        using var denied = await bob.GetAsync(path);
        Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);

        using var alice = fixture.ClientFor("alice");
        using var allowed = await alice.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
    }

    [Fact] // probes stay anonymous: kubelets call them without credentials
    public async Task Health_probes_stay_anonymous()
    {
        using var anonymous = fixture.ClientFor(null);
        using var live = await anonymous.GetAsync("healthz");
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
    }
}
