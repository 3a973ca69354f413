using System.Net;
using System.Text.Json;
using OrleansRegistry.Server.Tests.Infrastructure;

namespace OrleansRegistry.Server.Tests.Api;

/// <summary>
/// <c>GET /v2/_catalog</c> (distribution's extension; paging as for tags, end-8b). Other tests create repositories
/// in the same registry, so each test uses a prefix of its own and walks pages from <c>last=&lt;prefix&gt;</c>:
/// every name that starts with the prefix sorts after it, and no other test's name starts with it.
/// </summary>
[Collection(RegistryCollection.Name)]
public sealed class CatalogApiTests(RegistryFixture fixture)
{
    private const int MaxPages = 50;

    private HttpClient Client => fixture.Client;

    [Fact] // distribution "Listing Repositories": a repository shows once something is pushed to it
    public async Task A_repository_appears_after_a_push()
    {
        var prefix = UniquePrefix();
        var repo = $"{prefix}/app";
        Assert.Empty(await WalkAsync(prefix, n: 100));

        await TestImages.PushImageAsync(Client, repo, "v1");

        Assert.Equal([repo], await WalkAsync(prefix, n: 100));
    }

    [Theory] // distribution "Pagination" (as spec end-8b): n results, Link on every page but the last, all names once
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(5)]
    public async Task Following_Link_walks_every_repository_exactly_once_in_order(int n)
    {
        var prefix = UniquePrefix();
        string[] repos = [$"{prefix}/e", $"{prefix}/a", $"{prefix}/c/d", $"{prefix}/c", $"{prefix}/b"];
        foreach (var repo in repos) await TestImages.PushBlobAsync(Client, repo, System.Text.Encoding.UTF8.GetBytes(repo));

        var walked = await WalkAsync(prefix, n);

        Assert.Equal(repos.Order(StringComparer.Ordinal), walked);
    }

    [Fact] // distribution sorts the catalog lexically (byte order), not in a locale's order; the test database's is en-US
    public async Task Repositories_come_in_byte_order_where_a_linguistic_order_differs()
    {
        var prefix = UniquePrefix();
        // Byte order: a-b a.b a/b a0 a_b ab; en-US: a_b a-b a.b a/b a0 ab.
        string[] repos = [$"{prefix}/ab", $"{prefix}/a_b", $"{prefix}/a0", $"{prefix}/a/b", $"{prefix}/a.b", $"{prefix}/a-b"];
        foreach (var repo in repos) await TestImages.PushBlobAsync(Client, repo, System.Text.Encoding.UTF8.GetBytes(repo));

        Assert.Equal(repos.Order(StringComparer.Ordinal), await WalkAsync(prefix, n: 2));
    }

    [Fact] // as spec end-8b: n=0 is an empty list without Link
    public async Task N_zero_is_an_empty_list_without_Link()
    {
        var prefix = UniquePrefix();
        await TestImages.PushBlobAsync(Client, $"{prefix}/x", "x"u8.ToArray());

        using var response = await Client.GetAsync($"v2/_catalog?n=0&last={prefix}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains("Link"));
        using var body = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(0, body.RootElement.GetProperty("repositories").GetArrayLength());
    }

    [Theory] // code PAGINATION_NUMBER_INVALID
    [InlineData("-1")]
    [InlineData("abc")]
    public async Task An_invalid_n_is_400_PAGINATION_NUMBER_INVALID(string n)
    {
        using var response = await Client.GetAsync($"v2/_catalog?n={n}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(["PAGINATION_NUMBER_INVALID"], await TestImages.ErrorCodesAsync(response));
    }

    /// <summary>A repository-name component no other test uses.</summary>
    private static string UniquePrefix() => $"catalog-{Guid.NewGuid():N}"[..20];

    /// <summary>
    /// Walks the catalog from <c>last=prefix</c> by following Link, page size <paramref name="n"/>, until a name
    /// outside the prefix or the end. Checks each page: at most n names, a Link only on full pages, continuing
    /// after the page's last name with the same n.
    /// </summary>
    private async Task<List<string>> WalkAsync(string prefix, int n)
    {
        var names = new List<string>();
        string? next = $"/v2/_catalog?n={n}&last={Uri.EscapeDataString(prefix)}";
        for (var page = 0; next is not null; page++)
        {
            Assert.True(page < MaxPages, "too many pages");
            using var response = await Client.GetAsync(next);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            using var body = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync());
            var pageNames = body.RootElement.GetProperty("repositories").EnumerateArray().Select(r => r.GetString()!).ToList();
            Assert.True(pageNames.Count <= n, $"page of {pageNames.Count} names for n={n}");
            next = TestImages.NextLink(response);
            if (next is not null)
            {
                Assert.Equal(n, pageNames.Count);
                Assert.StartsWith("/v2/_catalog?", next);
                Assert.Equal($"n={n}&last={Uri.EscapeDataString(pageNames[^1])}", next[(next.IndexOf('?') + 1)..]);
            }
            foreach (var name in pageNames)
            {
                if (!name.StartsWith(prefix + "/", StringComparison.Ordinal)) return names;
                names.Add(name);
            }
        }
        return names;
    }
}
