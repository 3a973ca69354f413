using System.Net;
using System.Text.Json;
using OrleansRegistry.Server.Tests.Infrastructure;

namespace OrleansRegistry.Server.Tests.Security;

/// <summary>Spec "Listing repositories" (<c>/v2/_catalog</c>, <c>n</c>, <c>last</c>, <c>Link</c>) under authorisation: only pullable repositories, keyset pages intact.</summary>
[Collection(RulesRegistryCollection.Name)]
public sealed class CatalogAuthTests(RulesRegistryFixture fixture)
{
    [Fact]
    public async Task The_catalog_lists_only_pullable_repositories_in_complete_keyset_pages()
    {
        using var alice = fixture.ClientFor("alice");
        using var bob = fixture.ClientFor("bob");
        var tag = Guid.NewGuid().ToString("N")[..8];
        string[] visibleToCarol = [$"team-a/c{tag}", $"public/c{tag}a", $"public/c{tag}b", $"public/c{tag}c", $"z{tag}/open"];
        string[] hidden = [$"other/c{tag}a", $"other/c{tag}b", $"secret{tag}/x"];
        foreach (var repo in visibleToCarol.Concat(hidden))
        {
            // alice (admins) may push everywhere but team-a/**, where the earlier rules match her first; bob pushes there.
            var client = repo.StartsWith("team-a/") ? bob : alice;
            await TestImages.PushBlobAsync(client, repo, TestImages.RandomBytes(32, repo.GetHashCode()));
        }

        using var carol = fixture.ClientFor("carol");
        var seen = new List<string>();
        string? next = "v2/_catalog?n=2";
        for (var pages = 0; next is not null && pages < 1000; pages++)
        {
            using var response = await carol.GetAsync(next);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var page = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("repositories")
                .EnumerateArray().Select(r => r.GetString()!).ToList();
            Assert.InRange(page.Count, 1, 2);
            seen.AddRange(page);
            next = TestImages.NextLink(response)?.TrimStart('/');
        }
        Assert.Null(next);
        Assert.Equal(seen.Distinct().Count(), seen.Count); // no page repeats a name
        Assert.Equal(seen.Order(StringComparer.Ordinal), seen); // keyset order
        Assert.Empty(visibleToCarol.Except(seen)); // every pullable one, on some page
        Assert.Empty(seen.Intersect(hidden));

        // alice (admins) sees what carol cannot.
        using var all = await alice.GetAsync("v2/_catalog?n=10000");
        var names = JsonDocument.Parse(await all.Content.ReadAsStringAsync()).RootElement.GetProperty("repositories")
            .EnumerateArray().Select(r => r.GetString()!).ToHashSet();
        Assert.Empty(hidden.Except(names));
    }

    [Fact]
    public async Task The_catalog_needs_an_authenticated_caller()
    {
        using var anonymous = fixture.ClientFor(null);
        using var response = await anonymous.GetAsync("v2/_catalog");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        // A token needs registry:catalog:* for it.
        using var noScope = fixture.BearerClient(await fixture.TokenAsync("carol", "repository:public/x:pull"));
        using var refused = await noScope.GetAsync("v2/_catalog");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        using var scoped = fixture.BearerClient(await fixture.TokenAsync("carol", "registry:catalog:*"));
        using var listed = await scoped.GetAsync("v2/_catalog");
        Assert.Equal(HttpStatusCode.OK, listed.StatusCode);
    }
}
