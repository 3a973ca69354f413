using System.Net;
using OrleansRegistry.Server.Tests.Security;

namespace OrleansRegistry.Server.Tests.Collection;

/// <summary>Issue 8 point 4: the admin endpoint is "behind the admin role when auth exists" (the operations group).</summary>
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
