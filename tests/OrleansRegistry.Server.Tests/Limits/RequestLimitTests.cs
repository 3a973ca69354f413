using System.Net;
using System.Text;
using System.Text.Json;
using OrleansRegistry.Server.Tests.Infrastructure;
using static OrleansRegistry.Server.Tests.Limits.LimitedRegistryFixture;

namespace OrleansRegistry.Server.Tests.Limits;

/// <summary>
/// Each per-request limit of <c>Registry:Limits</c>, crossed against the real server: the spec's status and error code,
/// nothing stored, and the same request just inside the limit accepted (so the configured value is what decides).
/// </summary>
public sealed class RequestLimitTests(LimitedRegistryFixture fixture) : IClassFixture<LimitedRegistryFixture>
{
    private HttpClient Client => fixture.Client;

    [Fact] // spec "Pushing Manifests": a registry SHOULD answer 413 above its manifest size limit
    public async Task A_manifest_over_the_configured_size_is_413_MANIFEST_TOO_LARGE_and_not_stored()
    {
        var repo = TestImages.UniqueRepo("limits/size");
        var (config, layers) = await TestImages.PushImageBlobsAsync(Client, repo, seed: 41);

        var over = Padded(TestImages.ImageManifest(config, layers), ManifestBytes + 1);
        using (var response = await TestImages.PutManifestAsync(Client, repo, "big", over))
        {
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
            Assert.Equal(["MANIFEST_TOO_LARGE"], await TestImages.ErrorCodesAsync(response));
        }
        // Chunked, with no Content-Length to refuse up front: cut off while reading.
        using (var chunked = new StreamContent(new MemoryStream(over)))
        {
            chunked.Headers.ContentType = new(TestImages.OciManifest);
            using var request = new HttpRequestMessage(HttpMethod.Put, $"v2/{repo}/manifests/big") { Content = chunked };
            request.Headers.TransferEncodingChunked = true;
            using var response = await Client.SendAsync(request);
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
            Assert.Equal(["MANIFEST_TOO_LARGE"], await TestImages.ErrorCodesAsync(response));
        }
        await AssertNoManifestAsync(repo, "big");
        await AssertNoManifestAsync(repo, TestImages.Digest(over));

        var inside = Padded(TestImages.ImageManifest(config, layers), ManifestBytes);
        using var accepted = await TestImages.PutManifestAsync(Client, repo, "fits", inside);
        Assert.Equal(HttpStatusCode.Created, accepted.StatusCode);
    }

    [Fact] // nesting beyond the configured depth is refused as invalid JSON would be
    public async Task A_manifest_nested_deeper_than_the_limit_is_400_MANIFEST_INVALID_and_not_stored()
    {
        var repo = TestImages.UniqueRepo("limits/depth");
        var (config, layers) = await TestImages.PushImageBlobsAsync(Client, repo, seed: 42);
        var manifest = TestImages.ImageManifest(config, layers);

        // The root object is level 1; an unknown field (allowed by the image spec) carries the nesting.
        var deep = WithNesting(manifest, ManifestDepth + 1);
        using (var response = await TestImages.PutManifestAsync(Client, repo, "deep", deep))
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal(["MANIFEST_INVALID"], await TestImages.ErrorCodesAsync(response));
        }
        await AssertNoManifestAsync(repo, "deep");

        using var accepted = await TestImages.PutManifestAsync(Client, repo, "flat", WithNesting(manifest, ManifestDepth));
        Assert.Equal(HttpStatusCode.Created, accepted.StatusCode);
    }

    [Fact] // NAME_INVALID: a name the grammar allows but longer than this registry's limit
    public async Task A_repository_name_over_the_limit_is_400_NAME_INVALID_and_opens_nothing()
    {
        var prefix = TestImages.UniqueRepo("limits/n");
        var atLimit = prefix + "/" + new string('a', NameLength - prefix.Length - 1);
        var over = atLimit + "b";

        using (var response = await Client.PostAsync($"v2/{over}/blobs/uploads/", new ByteArrayContent([])))
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal(["NAME_INVALID"], await TestImages.ErrorCodesAsync(response));
            Assert.Null(response.Headers.Location);
        }
        using (var response = await Client.GetAsync($"v2/{over}/tags/list"))
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal(["NAME_INVALID"], await TestImages.ErrorCodesAsync(response));
        }
        Assert.Equal(NameLength, atLimit.Length);
        await TestImages.StartUploadAsync(Client, atLimit);
    }

    [Fact] // TAG_INVALID: a tag the grammar allows but longer than this registry's limit
    public async Task A_tag_over_the_limit_is_400_TAG_INVALID_and_not_created()
    {
        var repo = TestImages.UniqueRepo("limits/tag");
        var (manifest, _) = await TestImages.PushImageAsync(Client, repo, "v1", seed: 43);
        var atLimit = new string('t', TagLength);

        using (var response = await TestImages.PutManifestAsync(Client, repo, atLimit + "x", manifest))
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal(["TAG_INVALID"], await TestImages.ErrorCodesAsync(response));
        }
        using (var accepted = await TestImages.PutManifestAsync(Client, repo, atLimit, manifest))
            Assert.Equal(HttpStatusCode.Created, accepted.StatusCode);

        using var tags = await Client.GetAsync($"v2/{repo}/tags/list");
        using var json = JsonDocument.Parse(await tags.Content.ReadAsStringAsync());
        Assert.Equal([atLimit, "v1"], json.RootElement.GetProperty("tags").EnumerateArray().Select(t => t.GetString()!).Order(StringComparer.Ordinal));
    }

    [Fact] // spec "Listing Tags": fewer than n results only with a Link to the rest; the cap is said in a header
    public async Task N_above_the_cap_is_served_as_the_cap_with_a_Link_and_the_cap_in_a_header()
    {
        var repo = TestImages.UniqueRepo("limits/page");
        var (manifest, _) = await TestImages.PushImageAsync(Client, repo, "t0", seed: 44);
        for (var i = 1; i < PageSize + 2; i++) await TestImages.PushManifestAsync(Client, repo, $"t{i}", manifest);

        var seen = new List<string>();
        var url = $"v2/{repo}/tags/list?n=1000";
        for (var page = 0; url is not null && page < 10; page++)
        {
            using var response = await Client.GetAsync(url);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(PageSize.ToString(), TestImages.HeaderValue(response, "Registry-Max-Page-Size"));
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            var tags = json.RootElement.GetProperty("tags").EnumerateArray().Select(t => t.GetString()!).ToList();
            Assert.InRange(tags.Count, 1, PageSize);
            seen.AddRange(tags);
            url = TestImages.NextLink(response)?.TrimStart('/');
            if (tags.Count < PageSize) Assert.Null(url);
        }
        Assert.Equal(Enumerable.Range(0, PageSize + 2).Select(i => $"t{i}"), seen);

        using var catalog = await Client.GetAsync("v2/_catalog?n=1000");
        Assert.Equal(HttpStatusCode.OK, catalog.StatusCode);
        Assert.Equal(PageSize.ToString(), TestImages.HeaderValue(catalog, "Registry-Max-Page-Size"));
        using var repositories = JsonDocument.Parse(await catalog.Content.ReadAsStringAsync());
        Assert.True(repositories.RootElement.GetProperty("repositories").GetArrayLength() <= PageSize);
    }

    [Fact] // Kestrel's MaxRequestHeadersTotalSize: 431 Request Header Fields Too Large, and the server serves on
    public async Task Headers_over_the_limit_get_431_and_the_next_request_is_served()
    {
        using (var request = new HttpRequestMessage(HttpMethod.Get, "v2/"))
        {
            request.Headers.Add("X-Padding", new string('p', HeadersTotalSize));
            using var response = await Client.SendAsync(request);
            Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, response.StatusCode);
        }
        using var next = await Client.GetAsync("v2/");
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
    }

    private async Task AssertNoManifestAsync(string repo, string reference)
    {
        using var response = await Client.GetAsync($"v2/{repo}/manifests/{reference}");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    /// <summary>The manifest with an annotation padding it to exactly <paramref name="size"/> bytes.</summary>
    private static byte[] Padded(byte[] manifest, int size)
    {
        var text = Encoding.UTF8.GetString(manifest);
        var withEmpty = text[..^1] + ",\"annotations\":{\"pad\":\"\"}}";
        var padding = size - Encoding.UTF8.GetByteCount(withEmpty);
        var padded = Encoding.UTF8.GetBytes(withEmpty.Replace("\"pad\":\"\"", $"\"pad\":\"{new string('x', padding)}\""));
        Assert.Equal(size, padded.Length);
        return padded;
    }

    /// <summary>The manifest with an unknown field nesting arrays so that the document is <paramref name="depth"/> deep.</summary>
    private static byte[] WithNesting(byte[] manifest, int depth)
    {
        var arrays = depth - 1;
        var text = Encoding.UTF8.GetString(manifest);
        return Encoding.UTF8.GetBytes(text[..^1] + ",\"x-nesting\":" + new string('[', arrays) + new string(']', arrays) + "}");
    }
}
