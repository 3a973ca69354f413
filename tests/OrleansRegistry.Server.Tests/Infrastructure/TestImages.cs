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

    public static string Digest(byte[] data) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(data));

    public static byte[] RandomBytes(int size, int seed)
    {
        var data = new byte[size];
        new Random(seed).NextBytes(data);
        return data;
    }

    public static string UniqueRepo(string prefix) => $"{prefix}/r{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 12, 200)];

    /// <summary>Monolithic upload (POST ?digest=); asserts 201.</summary>
    public static async Task<string> PushBlobAsync(HttpClient client, string repo, byte[] data)
    {
        var digest = Digest(data);
        using var content = new ByteArrayContent(data);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
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
}
