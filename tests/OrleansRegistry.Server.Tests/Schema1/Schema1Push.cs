using System.Net;
using System.Net.Http.Headers;
using OrleansRegistry.Server.Tests.Infrastructure;

namespace OrleansRegistry.Server.Tests.Schema1;

/// <summary>Plain HTTP pushes and fetches for the schema1 tests, working against distribution and ours alike.</summary>
public static class Schema1Push
{
    public const string SignedType = "application/vnd.docker.distribution.manifest.v1+prettyjws";

    /// <summary>POST a session, then PUT ?digest= with the whole blob (spec end-4a, end-6): distribution 2.8 answers a
    /// monolithic POST ?digest= with a session instead of 201, so this is the form both registries take.</summary>
    public static async Task<string> PushBlobAsync(HttpClient client, string repo, byte[] data)
    {
        var digest = TestImages.Digest(data);
        using var start = await client.PostAsync($"v2/{repo}/blobs/uploads/", new ByteArrayContent([]));
        Assert.Equal(HttpStatusCode.Accepted, start.StatusCode);
        var location = start.Headers.Location!;
        var target = location.IsAbsoluteUri ? location : new Uri(client.BaseAddress!, location);
        using var content = new ByteArrayContent(data);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var finish = await client.PutAsync(TestImages.WithDigest(target.ToString(), digest), content);
        Assert.True(finish.StatusCode == HttpStatusCode.Created,
            $"PUT blob {digest} gave {(int)finish.StatusCode}: {await finish.Content.ReadAsStringAsync()}");
        return digest;
    }

    public static async Task<HttpResponseMessage> PutManifestAsync(HttpClient client, string repo, string reference, byte[] manifest,
        string mediaType = SignedType) =>
        await TestImages.PutManifestAsync(client, repo, reference, manifest, mediaType);

    /// <summary>GET a manifest asking for schema1; asserts 200 and returns body, Content-Type and Docker-Content-Digest.</summary>
    public static async Task<(byte[] Body, string? ContentType, string? Digest)> GetManifestAsync(HttpClient client, string repo, string reference)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"v2/{repo}/manifests/{reference}");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(SignedType));
        using var response = await client.SendAsync(request);
        var body = await response.Content.ReadAsByteArrayAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK,
            $"GET manifest {repo}:{reference} gave {(int)response.StatusCode}: {System.Text.Encoding.UTF8.GetString(body)}");
        return (body, response.Content.Headers.ContentType?.MediaType, TestImages.HeaderValue(response, "Docker-Content-Digest"));
    }
}
