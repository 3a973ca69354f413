using System.Net;
using OrleansRegistry.Server.Tests.Security;

namespace OrleansRegistry.Server.Tests.Collection;

/// <summary>With authentication on, the admin endpoint needs the admin group (the operations group).</summary>
[Collection(RulesRegistryCollection.Name)]
public sealed class AdminAuthTests(RulesRegistryFixture fixture)
{
    [Theory]
    [InlineData("POST", "admin/gc?dry-run=true")]
    [InlineData("GET", "admin/storage?n=5")]
    public async Task Admin_endpoints_are_for_admins_only(string method, string path)
    {
        using var anonymous = fixture.ClientFor(null);
        using var challenged = await anonymous.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
        Assert.Equal(HttpStatusCode.Unauthorized, challenged.StatusCode);

        using var bob = fixture.ClientFor("bob");
        using var denied = await bob.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
        Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);

        using var alice = fixture.ClientFor("alice");
        using var allowed = await alice.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
    }
}
