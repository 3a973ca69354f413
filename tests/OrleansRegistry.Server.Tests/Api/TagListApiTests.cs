using System.Net;
using System.Text.Json;
using OrleansRegistry.Server.Tests.Infrastructure;

namespace OrleansRegistry.Server.Tests.Api;

/// <summary>Listing tags (end-8a/8b): order, <c>n</c>/<c>last</c> paging and the <c>Link</c> header.</summary>
[Collection(RegistryCollection.Name)]
public sealed class TagListApiTests(RegistryFixture fixture)
{
    private const int MaxPages = 50;

    private HttpClient Client => fixture.Client;

    [Fact] // spec: "Listing Tags": "Assuming a repository is found" → otherwise 404 NAME_UNKNOWN (code-10)
    public async Task An_unknown_repository_is_404_NAME_UNKNOWN()
    {
        using var response = await Client.GetAsync($"v2/{TestImages.UniqueRepo("tags-none")}/tags/list");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(["NAME_UNKNOWN"], await TestImages.ErrorCodesAsync(response));
    }

    [Fact] // spec: "Listing Tags" end-8a: {"name","tags"} in lexical ("ASCIIbetical", Go's sort.Strings) order
    public async Task Tags_come_in_byte_order_with_the_repository_name()
    {
        var repo = TestImages.UniqueRepo("tags");
        string[] tags = ["b", "B", "a", "A", "_x", "1", "a.b", "a-b", "Z9", "a_b", "10", "9"];
        await TagAllAsync(repo, tags);

        using var response = await Client.GetAsync($"v2/{repo}/tags/list");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        Assert.False(response.Headers.Contains("Link"));
        using var body = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(repo, body.RootElement.GetProperty("name").GetString());
        Assert.Equal(tags.Order(StringComparer.Ordinal), ReadTags(body));
    }

    [Theory] // spec: "Listing Tags" end-8b: n results and a Link rel="next" on every page but the last; following walks all
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(4)] // divides the 8 tags exactly: the last full page has no Link
    public async Task Following_Link_walks_every_tag_exactly_once(int n)
    {
        var repo = TestImages.UniqueRepo("tags");
        string[] tags = ["t1", "t2", "t3", "t4", "t5", "t6", "t7", "t8"];
        await TagAllAsync(repo, tags);

        var seen = new List<string>();
        string? next = $"/v2/{repo}/tags/list?n={n}";
        for (var page = 0; next is not null; page++)
        {
            Assert.True(page < MaxPages, "too many pages");
            using var response = await Client.GetAsync(next);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            using var body = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync());
            var pageTags = ReadTags(body);
            seen.AddRange(pageTags);
            next = TestImages.NextLink(response);
            if (next is not null)
            {
                // Every page but the last is full, and its Link continues after its last tag with the same n.
                Assert.Equal(n, pageTags.Count);
                Assert.StartsWith($"/v2/{repo}/tags/list?", next);
                Assert.Equal($"n={n}&last={pageTags[^1]}", next[(next.IndexOf('?') + 1)..]);
            }
        }

        Assert.Equal(tags, seen);
    }

    [Fact] // spec: "Listing Tags" end-8b: last is exclusive; n is optional with last
    public async Task Last_starts_after_the_named_tag()
    {
        var repo = TestImages.UniqueRepo("tags");
        await TagAllAsync(repo, ["a", "b", "c", "d"]);

        Assert.Equal(["c", "d"], await ListAsync($"v2/{repo}/tags/list?last=b"));
        Assert.Equal(["c"], await ListAsync($"v2/{repo}/tags/list?n=1&last=b"));
        Assert.Equal(["b", "c", "d"], await ListAsync($"v2/{repo}/tags/list?last=a0")); // need not be a present tag
        Assert.Empty(await ListAsync($"v2/{repo}/tags/list?last=d"));
    }

    [Fact] // spec: "Listing Tags": when n is zero, an empty list and no Link header
    public async Task N_zero_is_an_empty_list_without_Link()
    {
        var repo = TestImages.UniqueRepo("tags");
        await TagAllAsync(repo, ["a", "b"]);

        using var response = await Client.GetAsync($"v2/{repo}/tags/list?n=0");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains("Link"));
        using var body = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(JsonValueKind.Array, body.RootElement.GetProperty("tags").ValueKind);
        Assert.Empty(ReadTags(body));
    }

    [Theory] // spec: code-PAGINATION_NUMBER_INVALID ("invalid number of results requested")
    [InlineData("-1")]
    [InlineData("abc")]
    [InlineData("1.5")]
    public async Task An_invalid_n_is_400_PAGINATION_NUMBER_INVALID(string n)
    {
        var repo = TestImages.UniqueRepo("tags");
        await TagAllAsync(repo, ["a"]);

        using var response = await Client.GetAsync($"v2/{repo}/tags/list?n={n}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(["PAGINATION_NUMBER_INVALID"], await TestImages.ErrorCodesAsync(response));
    }

    [Fact] // spec: "Deleting tags" end-9: a deleted tag is no longer listed
    public async Task A_deleted_tag_is_gone_from_the_list()
    {
        var repo = TestImages.UniqueRepo("tags");
        await TagAllAsync(repo, ["keep", "drop"]);

        using (var deleted = await Client.DeleteAsync($"v2/{repo}/manifests/drop"))
            Assert.Equal(HttpStatusCode.Accepted, deleted.StatusCode);

        Assert.Equal(["keep"], await ListAsync($"v2/{repo}/tags/list"));
    }

    [Fact] // spec: "Listing Tags": <name> is one repository; a/b and a/b/c are different repositories
    public async Task Tags_of_a_parent_repository_do_not_leak_into_a_nested_one()
    {
        var parent = TestImages.UniqueRepo("tags");
        var child = parent + "/c";
        await TagAllAsync(parent, ["parent-only"]);
        await TagAllAsync(child, ["child-only"]);

        Assert.Equal(["parent-only"], await ListAsync($"v2/{parent}/tags/list"));
        Assert.Equal(["child-only"], await ListAsync($"v2/{child}/tags/list"));
    }

    [Fact] // spec: "Listing Tags": "The list of tags MAY be empty" for a repository that exists
    public async Task A_repository_with_only_untagged_content_has_an_empty_list()
    {
        var repo = TestImages.UniqueRepo("tags");
        var (config, layers) = await TestImages.PushImageBlobsAsync(Client, repo, seed: 5);
        var manifest = TestImages.ImageManifest(config, layers);
        await TestImages.PushManifestAsync(Client, repo, TestImages.Digest(manifest), manifest);

        Assert.Empty(await ListAsync($"v2/{repo}/tags/list"));
    }

    [Fact] // spec: "Listing Tags": a repository holding only a manifest (an empty index, no blobs) is found
    public async Task A_repository_holding_only_an_empty_index_is_found()
    {
        var repo = TestImages.UniqueRepo("tags");
        var index = TestImages.ImageIndex([]);
        await TestImages.PushManifestAsync(Client, repo, TestImages.Digest(index), index, TestImages.OciIndex);

        Assert.Empty(await ListAsync($"v2/{repo}/tags/list"));
    }

    /// <summary>One small image, tagged with every tag (one manifest, many tags: cheap).</summary>
    private async Task TagAllAsync(string repo, IEnumerable<string> tags)
    {
        var (config, layers) = await TestImages.PushImageBlobsAsync(Client, repo, seed: 3);
        var manifest = TestImages.ImageManifest(config, layers);
        foreach (var tag in tags) await TestImages.PushManifestAsync(Client, repo, tag, manifest);
    }

    private async Task<IReadOnlyList<string>> ListAsync(string url)
    {
        using var response = await Client.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync());
        return ReadTags(body);
    }

    private static List<string> ReadTags(JsonDocument body) =>
        body.RootElement.GetProperty("tags").EnumerateArray().Select(t => t.GetString()!).ToList();
}
