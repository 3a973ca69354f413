using System.Net;
using System.Net.Http.Headers;

namespace OrleansRegistry.Server.Tests.Infrastructure;

/// <summary>A chunked upload by plain HTTP (spec: "Pushing a blob in chunks"), each request sent where the caller says.</summary>
public static class ChunkedUpload
{
    /// <summary>POST, one PATCH per chunk, PUT ?digest=; request i goes to <paramref name="silo"/>(i). Returns the digest.</summary>
    public static async Task<string> PushAsync(string repo, byte[] data, int chunk, Func<int, HttpClient> silo)
    {
        var request = 0;
        var (location, _) = await TestImages.StartUploadAsync(silo(request++), repo);
        for (var offset = 0; offset < data.Length; offset += chunk)
        {
            var length = Math.Min(chunk, data.Length - offset);
            using var patch = await PatchAsync(silo(request++), location, data, offset, length);
            Assert.Equal(HttpStatusCode.Accepted, patch.StatusCode);
            Assert.Equal($"0-{offset + length - 1}", patch.Headers.GetValues("Range").Single());
            location = patch.Headers.Location!.OriginalString;
        }
        var digest = TestImages.Digest(data);
        using var put = await silo(request).PutAsync(TestImages.WithDigest(location, digest), null);
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        return digest;
    }

    public static Task<HttpResponseMessage> PatchAsync(HttpClient client, string location, byte[] data, int offset, int length) =>
        client.SendAsync(Patch(location, new ByteArrayContent(data, offset, length), offset, length));

    public static HttpRequestMessage Patch(string location, HttpContent content, long offset, long length)
    {
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        content.Headers.ContentLength = length;
        content.Headers.TryAddWithoutValidation("Content-Range", $"{offset}-{offset + length - 1}");
        return new HttpRequestMessage(HttpMethod.Patch, location) { Content = content };
    }
}
