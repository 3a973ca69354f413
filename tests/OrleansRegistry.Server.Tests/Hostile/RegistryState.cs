using System.Net;
using OrleansRegistry.Server.Tests.Infrastructure;

namespace OrleansRegistry.Server.Tests.Hostile;

/// <summary>
/// What a refused request must leave as it was: the catalog, the tags of the repositories the test names, and every
/// file of the blob store (path and length: blobs and upload data). Tests of one collection run one at a time, so two
/// captures around a request differ only by what that request did.
/// </summary>
public sealed record RegistryState(string Catalog, string Tags, string StoreFiles)
{
    /// <summary>The marker hostile paths carry, so a file a traversal managed to create could be found by name.</summary>
    public const string EscapeMarker = "hostile-escape";

    public static Task<RegistryState> CaptureAsync(RegistryFixture fixture, params string[] repositories) =>
        CaptureAsync(fixture.Client, fixture.DataDirectory, repositories);

    /// <summary>The state as <paramref name="client"/> sees it (a registry with auth on: a client allowed to pull everything).</summary>
    public static async Task<RegistryState> CaptureAsync(HttpClient client, string dataDirectory, params string[] repositories)
    {
        var catalog = await client.GetStringAsync("v2/_catalog?n=10000");
        var tags = new List<string>();
        foreach (var repository in repositories)
        {
            using var response = await client.GetAsync($"v2/{repository}/tags/list?n=10000");
            tags.Add($"{repository}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
        var store = Directory.Exists(dataDirectory)
            ? Directory.EnumerateFiles(dataDirectory, "*", SearchOption.AllDirectories)
                .Select(f => Describe(Path.GetRelativePath(dataDirectory, f), f))
                .Order(StringComparer.Ordinal).ToList()
            : [];
        return new RegistryState(catalog, string.Join("\n", tags), string.Join("\n", store));
    }

    /// <summary>
    /// A file of the store by path and length. An upload's data is listed by path alone: a chunk cut off mid-body may
    /// leave a partial tail beyond the committed offset, which the next writer drops (IBlobStore.OpenUploadWriterAsync);
    /// the committed offset is the session's Range, which the tests of sessions compare.
    /// </summary>
    private static string Describe(string relative, string path) =>
        relative.StartsWith($"blobs{Path.DirectorySeparatorChar}uploads{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
            ? relative
            : $"{relative} {new FileInfo(path).Length}";

    /// <summary>The Range (committed bytes) of an upload session, as its status GET reports it (end-13).</summary>
    public static async Task<string?> SessionRangeAsync(HttpClient client, string location)
    {
        using var status = await client.GetAsync(location);
        Assert.Equal(System.Net.HttpStatusCode.NoContent, status.StatusCode);
        return TestImages.HeaderValue(status, "Range");
    }

    /// <summary>Asserts the state is what <paramref name="before"/> was, and that no path named with the marker exists.</summary>
    public static Task AssertUnchangedAsync(RegistryFixture fixture, RegistryState before, params string[] repositories) =>
        AssertUnchangedAsync(fixture.Client, fixture.DataDirectory, before, repositories);

    public static async Task AssertUnchangedAsync(HttpClient client, string dataDirectory, RegistryState before, params string[] repositories)
    {
        var after = await CaptureAsync(client, dataDirectory, repositories);
        Assert.Equal(before.Catalog, after.Catalog);
        Assert.Equal(before.Tags, after.Tags);
        Assert.Equal(before.StoreFiles, after.StoreFiles);
        AssertNothingEscaped(dataDirectory);
    }

    /// <summary>
    /// <see cref="AssertUnchangedAsync"/> for a request the server cut off: Kestrel may close the connection as soon as the
    /// body ends early, while the registry still removes what that request had begun (its upload data), so this waits for
    /// the state to come back, bounded.
    /// </summary>
    public static Task AssertEventuallyUnchangedAsync(RegistryFixture fixture, RegistryState before, params string[] repositories) =>
        Eventually.SucceedsAsync(async () =>
        {
            await AssertUnchangedAsync(fixture, before, repositories);
            return true;
        }, e => e is Xunit.Sdk.XunitException, TimeSpan.FromSeconds(10));

    /// <summary>
    /// No file or directory named with <see cref="EscapeMarker"/> anywhere a traversal out of the data directory
    /// could land: the data directory's tree, its parent (the temporary directory), the server's own directory, /.
    /// </summary>
    public static void AssertNothingEscaped(RegistryFixture fixture) => AssertNothingEscaped(fixture.DataDirectory);

    public static void AssertNothingEscaped(string dataDirectory)
    {
        var parent = Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(dataDirectory))!;
        var places = new (string Directory, SearchOption Depth)[]
        {
            (dataDirectory, SearchOption.AllDirectories),
            (parent, SearchOption.TopDirectoryOnly),
            (AppContext.BaseDirectory, SearchOption.TopDirectoryOnly),
            ("/", SearchOption.TopDirectoryOnly),
        };
        foreach (var (directory, depth) in places)
        {
            if (!Directory.Exists(directory)) continue;
            var options = new EnumerationOptions { RecurseSubdirectories = depth == SearchOption.AllDirectories, IgnoreInaccessible = true };
            var escaped = Directory.EnumerateFileSystemEntries(directory, $"*{EscapeMarker}*", options).ToList();
            Assert.True(escaped.Count == 0, $"written outside the blob store: {string.Join(", ", escaped)}");
        }
    }

    /// <summary>Pushes the image whose state the hostile tests watch (idempotent), returning a layer blob of it.</summary>
    public static async Task<(string Repository, string Tag, byte[] Layer, string ManifestDigest)> SentinelAsync(HttpClient client)
    {
        const string repository = "hostile/sentinel", tag = "v1";
        var (config, layers) = await TestImages.PushImageBlobsAsync(client, repository, seed: 7001);
        var manifest = TestImages.ImageManifest(config, layers);
        var digest = await TestImages.PushManifestAsync(client, repository, tag, manifest);
        using var check = await client.GetAsync($"v2/{repository}/manifests/{tag}");
        Assert.Equal(HttpStatusCode.OK, check.StatusCode);
        return (repository, tag, layers[0], digest);
    }
}
