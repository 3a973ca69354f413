using System.Net;
using OrleansRegistry.Server.Tests.Infrastructure;

namespace OrleansRegistry.Server.Tests.Operations;

/// <summary>The Orleans dashboard, served by the registry process itself under /dashboard, on unless turned off.</summary>
[Collection(RegistryCollection.Name)]
public sealed class DashboardTests(RegistryFixture fixture)
{
    [Fact]
    public async Task The_dashboard_page_and_its_api_are_served_under_dashboard()
    {
        using var client = NoRedirects(fixture.Registry.BaseAddress);
        using var bare = await client.GetAsync("dashboard");
        Assert.Equal(HttpStatusCode.MovedPermanently, bare.StatusCode);
        Assert.Equal("/dashboard/", bare.Headers.Location!.OriginalString);

        using var page = await client.GetAsync("dashboard/");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<title>Orleans Dashboard</title>", await page.Content.ReadAsStringAsync());

        // Its data comes from the silo: the grain types include the registry's own.
        using var types = await client.GetAsync("dashboard/GrainTypes");
        Assert.Equal(HttpStatusCode.OK, types.StatusCode);
        Assert.Contains("RepositoryGrain", await types.Content.ReadAsStringAsync());
    }

    [Fact] // Registry:Dashboard:Enabled=false leaves it out: nothing answers under /dashboard
    public async Task The_dashboard_can_be_turned_off()
    {
        var server = await PostgresServer.GetAsync();
        var connectionString = await server.CreateDatabaseAsync("nodash");
        using var data = new TempDirectory();
        await using var registry = await RegistryProcess.StartAsync(connectionString, data.Path,
            new Dictionary<string, string> { ["Registry__Dashboard__Enabled"] = "false" });

        using var client = NoRedirects(registry.BaseAddress);
        foreach (var path in new[] { "dashboard", "dashboard/", "dashboard/GrainTypes" })
        {
            using var response = await client.GetAsync(path);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }
        using var v2 = await client.GetAsync("v2/"); // the registry itself is unaffected
        Assert.Equal(HttpStatusCode.OK, v2.StatusCode);
    }

    private static HttpClient NoRedirects(Uri baseAddress) =>
        new(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = baseAddress };
}
