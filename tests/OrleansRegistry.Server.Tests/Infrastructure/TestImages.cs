using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace OrleansRegistry.Server.Tests.Infrastructure;

/// <summary>Builds blobs and manifests for tests and pushes them with plain HTTP calls (no client library).</summary>
public static class TestImages
{
    public const string OciManifest = "application/vnd.oci.image.manifest.v1+json";
    public const string OciIndex = "application/vnd.oci.image.index.v1+json";

    public static string Digest(byte[] data) => TestData.Sha256(data);

    public static byte[] RandomBytes(int size, int seed) => TestData.RandomBytes(size, seed);

    public static string UniqueRepo(string prefix) => $"{prefix}/r{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 12, 200)];

    /// <summary>Blob bytes as an upload sends them (Content-Type: application/octet-stream).</summary>
    public static ByteArrayContent Octets(byte[] data)
    {
        var content = new ByteArrayContent(data);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        return content;
    }

    /// <summary>Monolithic upload (POST ?digest=); asserts 201.</summary>
    public static async Task<string> PushBlobAsync(HttpClient client, string repo, byte[] data)
    {
        var digest = Digest(data);
        using var content = Octets(data);
        using var response = await client.PostAsync($"v2/{repo}/blobs/uploads/?digest={digest}", content);
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        return digest;
    }

    /// <summary>An OCI image manifest over a config and layers (all already pushed).</summary>
    public static byte[] ImageManifest(byte[] config, IEnumerable<byte[]> layers, string? subjectDigest = null,
        long subjectSize = 0, string? artifactType = null, IDictionary<string, string>? annotations = null,
        string configMediaType = "application/vnd.oci.image.config.v1+json")
    {
        var manifest = new Dictionary<string, object?>
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = OciManifest,
            ["config"] = new { mediaType = configMediaType, digest = Digest(config), size = config.Length },
            ["layers"] = layers.Select(l => new { mediaType = "application/vnd.oci.image.layer.v1.tar+gzip", digest = Digest(l), size = l.Length }).ToArray(),
        };
        if (artifactType is not null) manifest["artifactType"] = artifactType;
        if (subjectDigest is not null) manifest["subject"] = new { mediaType = OciManifest, digest = subjectDigest, size = subjectSize };
        if (annotations is not null) manifest["annotations"] = annotations;
        return JsonSerializer.SerializeToUtf8Bytes(manifest);
    }

    public static async Task<HttpResponseMessage> PutManifestAsync(HttpClient client, string repo, string reference,
        byte[] manifest, string mediaType = OciManifest)
    {
        using var content = new ByteArrayContent(manifest);
        content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        return await client.PutAsync($"v2/{repo}/manifests/{reference}", content);
    }

    /// <summary>Pushes a small image (config + two layers + manifest under <paramref name="tag"/>); returns the manifest.</summary>
    public static async Task<(byte[] Manifest, string Digest)> PushImageAsync(HttpClient client, string repo, string tag, int seed = 1)
    {
        var config = Encoding.UTF8.GetBytes($"{{\"architecture\":\"amd64\",\"os\":\"linux\",\"seed\":{seed}}}");
        var layers = new[] { RandomBytes(1000, seed), RandomBytes(2000, seed + 1) };
        await PushBlobAsync(client, repo, config);
        foreach (var layer in layers) await PushBlobAsync(client, repo, layer);
        var manifest = ImageManifest(config, layers);
        using var response = await PutManifestAsync(client, repo, tag, manifest);
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        return (manifest, Digest(manifest));
    }

    /// <summary>The error codes of a spec error body.</summary>
    public static async Task<IReadOnlyList<string>> ErrorCodesAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsByteArrayAsync();
        Assert.True(OrleansRegistry.Core.ErrorResponse.TryParse(body, out var errors),
            $"not an error body: {Encoding.UTF8.GetString(body)}");
        return errors!.Errors.Select(e => e.Code).ToList();
    }

    /// <summary>A limit's refusal: <c>429 TOOMANYREQUESTS</c>, the spec's error body, <c>Retry-After</c> in whole seconds (at least 1).</summary>
    public static async Task AssertTooManyRequestsAsync(HttpResponseMessage response)
    {
        Assert.Equal(System.Net.HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal(["TOOMANYREQUESTS"], await ErrorCodesAsync(response));
        var retryAfter = HeaderValue(response, "Retry-After");
        Assert.True(int.TryParse(retryAfter, out var seconds) && seconds >= 1, $"Retry-After: {retryAfter}");
    }

    public static string Sha512Digest(byte[] data) => "sha512:" + Convert.ToHexStringLower(SHA512.HashData(data));

    /// <summary>Opens an upload session (POST, spec end-4a); asserts 202 and returns its Location and Docker-Upload-UUID.</summary>
    public static async Task<(string Location, string Uuid)> StartUploadAsync(HttpClient client, string repo)
    {
        using var response = await client.PostAsync($"v2/{repo}/blobs/uploads/", new ByteArrayContent([]));
        Assert.Equal(System.Net.HttpStatusCode.Accepted, response.StatusCode);
        return (response.Headers.Location!.OriginalString, response.Headers.GetValues("Docker-Upload-UUID").Single());
    }

    /// <summary>The upload location with <c>digest=</c> added (spec: "&lt;blob-push-location&gt;?digest=&lt;digest&gt;").</summary>
    public static string WithDigest(string location, string digest) =>
        location + (location.Contains('?') ? '&' : '?') + "digest=" + Uri.EscapeDataString(digest);

    /// <summary>A response header wherever .NET filed it (Range is a request header name, so it lands with custom ones).</summary>
    public static string? HeaderValue(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values)
            ? string.Join(",", values)
            : null;
    // ---- manifests of every type, for the manifest/tag/catalog/referrers API tests ----

    public const string DockerManifest = "application/vnd.docker.distribution.manifest.v2+json";
    public const string DockerManifestList = "application/vnd.docker.distribution.manifest.list.v2+json";
    public const string DockerConfig = "application/vnd.docker.container.image.v1+json";
    public const string DockerLayer = "application/vnd.docker.image.rootfs.diff.tar.gzip";
    public const string OciEmpty = "application/vnd.oci.empty.v1+json";

    /// <summary>The image-spec's empty descriptor content: the 2 bytes <c>{}</c>.</summary>
    public static byte[] EmptyJson() => "{}"u8.ToArray();

    /// <summary>A Docker image manifest v2 schema 2 over a config and layers (all already pushed).</summary>
    public static byte[] DockerImageManifest(byte[] config, IEnumerable<byte[]> layers) =>
        JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object?>
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = DockerManifest,
            ["config"] = new { mediaType = DockerConfig, digest = Digest(config), size = config.Length },
            ["layers"] = layers.Select(l => new { mediaType = DockerLayer, digest = Digest(l), size = l.Length }).ToArray(),
        });

    /// <summary>An OCI image index or Docker manifest list (by <paramref name="mediaType"/>) over child manifests.</summary>
    public static byte[] ImageIndex(IEnumerable<(byte[] Manifest, string MediaType)> children, string mediaType = OciIndex,
        string? subjectDigest = null, long subjectSize = 0, string? artifactType = null,
        IDictionary<string, string>? annotations = null)
    {
        var index = new Dictionary<string, object?>
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = mediaType,
            ["manifests"] = children.Select(c => new Dictionary<string, object>
            {
                ["mediaType"] = c.MediaType,
                ["digest"] = Digest(c.Manifest),
                ["size"] = c.Manifest.Length,
                ["platform"] = new { architecture = "amd64", os = "linux" },
            }).ToArray(),
        };
        if (artifactType is not null) index["artifactType"] = artifactType;
        if (subjectDigest is not null) index["subject"] = new { mediaType = OciManifest, digest = subjectDigest, size = subjectSize };
        if (annotations is not null) index["annotations"] = annotations;
        return JsonSerializer.SerializeToUtf8Bytes(index);
    }

    /// <summary>Pushes a config and two layers for an image (seeded, so distinct seeds give distinct images).</summary>
    public static async Task<(byte[] Config, byte[][] Layers)> PushImageBlobsAsync(HttpClient client, string repo, int seed)
    {
        var config = Encoding.UTF8.GetBytes($"{{\"architecture\":\"amd64\",\"os\":\"linux\",\"seed\":{seed}}}");
        var layers = new[] { RandomBytes(500, seed), RandomBytes(700, seed + 1) };
        await PushBlobAsync(client, repo, config);
        foreach (var layer in layers) await PushBlobAsync(client, repo, layer);
        return (config, layers);
    }

    /// <summary>PUTs a manifest; asserts 201 and returns its digest.</summary>
    public static async Task<string> PushManifestAsync(HttpClient client, string repo, string reference, byte[] manifest,
        string mediaType = OciManifest)
    {
        using var response = await PutManifestAsync(client, repo, reference, manifest, mediaType);
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Created,
            $"PUT manifest {repo}:{reference} gave {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return Digest(manifest);
    }

    /// <summary>The URL of the next page from a <c>Link: &lt;url&gt;; rel="next"</c> header, or null when there is none.</summary>
    public static string? NextLink(HttpResponseMessage response)
    {
        if (!response.Headers.TryGetValues("Link", out var values)) return null;
        var link = values.Single();
        var open = link.IndexOf('<');
        var close = link.IndexOf('>');
        Assert.True(open == 0 && close > open, $"malformed Link header: {link}");
        Assert.Matches(@";\s*rel=""?next""?\s*$", link[(close + 1)..]);
        return link[(open + 1)..close];
    }
}
