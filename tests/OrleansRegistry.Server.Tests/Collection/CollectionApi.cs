using System.Net;
using System.Text.Json;
using OrleansRegistry.Server.Tests.Infrastructure;

namespace OrleansRegistry.Server.Tests.Collection;

/// <summary>The report of <c>POST /admin/gc</c> as the tests read it.</summary>
public sealed record CollectionReport(bool DryRun, double DurationSeconds, int TagsDeleted, int ManifestsDeleted, int BlobsDeleted,
    long BytesReclaimed, string[] Tags, string[] Manifests, string[] Blobs, bool BlobSweepSkipped);

/// <summary>Runs collections through the admin endpoint and looks at the store and the tables behind the registry.</summary>
public static class CollectionApi
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>A small image config, distinct per seed.</summary>
    public static byte[] Config(int seed) => System.Text.Encoding.UTF8.GetBytes($"{{\"architecture\":\"amd64\",\"os\":\"linux\",\"seed\":{seed}}}");

    /// <summary><c>POST /admin/gc?dry-run=…</c>; asserts 200 and returns the report.</summary>
    public static async Task<CollectionReport> CollectAsync(HttpClient client, bool dryRun = false)
    {
        using var response = await client.PostAsync($"admin/gc?dry-run={(dryRun ? "true" : "false")}", null);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"POST /admin/gc gave {(int)response.StatusCode}: {body}");
        return JsonSerializer.Deserialize<CollectionReport>(body, Json)!;
    }

    /// <summary>Whether the blob store under <paramref name="dataDirectory"/> holds the blob's bytes (a file named by its
    /// encoded digest, wherever the store's layout puts it).</summary>
    public static bool StoreHolds(string dataDirectory, string digest) =>
        Directory.EnumerateFiles(dataDirectory, digest[(digest.IndexOf(':') + 1)..], SearchOption.AllDirectories).Any();

    /// <summary>Whether the repository still answers <c>HEAD</c> for the blob (its link and the blob exist).</summary>
    public static async Task<bool> BlobKnownAsync(HttpClient client, string repo, string digest)
    {
        using var head = new HttpRequestMessage(HttpMethod.Head, $"v2/{repo}/blobs/{digest}");
        using var response = await client.SendAsync(head);
        Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.NotFound, $"HEAD blob gave {(int)response.StatusCode}");
        return response.StatusCode == HttpStatusCode.OK;
    }

    /// <summary>GETs every blob of an image and checks its bytes against its digest (a pull intact).</summary>
    public static async Task AssertPullsAsync(HttpClient client, string repo, string reference, IEnumerable<byte[]> blobs)
    {
        using var manifest = await client.GetAsync($"v2/{repo}/manifests/{reference}");
        Assert.Equal(HttpStatusCode.OK, manifest.StatusCode);
        foreach (var blob in blobs)
        {
            var digest = TestImages.Digest(blob);
            using var response = await client.GetAsync($"v2/{repo}/blobs/{digest}");
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {repo} blob {digest} gave {(int)response.StatusCode}");
            Assert.Equal(digest, TestImages.Digest(await response.Content.ReadAsByteArrayAsync()));
        }
    }

    /// <summary>Moves a tag's push time back by <paramref name="age"/> (retention reads tags.updated_at).</summary>
    public static Task AgeTagAsync(string connectionString, string repo, string tag, TimeSpan age) =>
        PostgresSql.ValueAsync(connectionString, "UPDATE tags SET updated_at = now() - @age WHERE repository = @repo AND tag = @tag",
            ("age", age), ("repo", repo), ("tag", tag));

    /// <summary>Moves a manifest's creation time back by <paramref name="age"/> (retention reads manifests.created_at).</summary>
    public static Task AgeManifestAsync(string connectionString, string repo, string digest, TimeSpan age) =>
        PostgresSql.ValueAsync(connectionString, "UPDATE manifests SET created_at = now() - @age WHERE repository = @repo AND digest = @digest",
            ("age", age), ("repo", repo), ("digest", digest));

    /// <summary>When the registry last recorded a pull of the manifest (null: none written yet).</summary>
    public static Task<DateTimeOffset?> PulledAtAsync(string connectionString, string repo, string digest) =>
        PostgresSql.InstantAsync(connectionString, "SELECT last_pulled_at FROM manifests WHERE repository = @repo AND digest = @digest",
            ("repo", repo), ("digest", digest));

    /// <summary>Moves a manifest's last pull back by <paramref name="age"/> (the not-pulled rule reads manifests.last_pulled_at).</summary>
    public static Task AgePullAsync(string connectionString, string repo, string digest, TimeSpan age) =>
        PostgresSql.ValueAsync(connectionString, "UPDATE manifests SET last_pulled_at = now() - @age WHERE repository = @repo AND digest = @digest",
            ("age", age), ("repo", repo), ("digest", digest));

    /// <summary>Tags of a repository (first page).</summary>
    public static async Task<string[]> TagsAsync(HttpClient client, string repo)
    {
        using var response = await client.GetAsync($"v2/{repo}/tags/list");
        if (response.StatusCode == HttpStatusCode.NotFound) return [];
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("tags") is { ValueKind: JsonValueKind.Array } tags
            ? tags.EnumerateArray().Select(t => t.GetString()!).Order(StringComparer.Ordinal).ToArray()
            : [];
    }

    public static async Task<HttpStatusCode> ManifestStatusAsync(HttpClient client, string repo, string reference)
    {
        using var response = await client.GetAsync($"v2/{repo}/manifests/{reference}");
        return response.StatusCode;
    }
}
