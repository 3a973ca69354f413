using System.Net;
using OrleansRegistry.Server.Tests.Infrastructure;

namespace OrleansRegistry.Server.Tests.Api;

[Collection(RegistryCollection.Name)]
public sealed class BaseApiTests(RegistryFixture fixture)
{
    private HttpClient Client => fixture.Client;

    [Fact] // spec: end-1 "GET /v2/" answers 200 and names the API version
    public async Task Base_endpoint_answers_200_with_api_version_header()
    {
        using var response = await Client.GetAsync("v2/");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("registry/2.0", response.Headers.GetValues("Docker-Distribution-API-Version").Single());
    }

    [Fact]
    public async Task Unknown_path_under_v2_is_a_spec_error_not_a_500()
    {
        using var response = await Client.GetAsync("v2/a/b/whatever");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.NotEmpty(await TestImages.ErrorCodesAsync(response));
    }

    [Theory] // spec: "Pulling manifests": <name> grammar
    [InlineData("v2/UPPER/manifests/latest")]
    [InlineData("v2/a__-b/manifests/latest")]
    [InlineData("v2/a//b/tags/list")]
    public async Task Invalid_repository_name_is_NAME_INVALID(string path)
    {
        using var response = await Client.GetAsync(path);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(["NAME_INVALID"], await TestImages.ErrorCodesAsync(response));
    }

    [Fact]
    public async Task Push_and_pull_a_small_image_by_tag_and_digest()
    {
        var repo = TestImages.UniqueRepo("smoke");
        var (manifest, digest) = await TestImages.PushImageAsync(Client, repo, "v1");

        using var request = new HttpRequestMessage(HttpMethod.Get, $"v2/{repo}/manifests/v1");
        request.Headers.Accept.ParseAdd(TestImages.OciManifest);
        using var byTag = await Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, byTag.StatusCode);
        Assert.Equal(manifest, await byTag.Content.ReadAsByteArrayAsync());
        Assert.Equal(TestImages.OciManifest, byTag.Content.Headers.ContentType!.MediaType);
        Assert.Equal(digest, byTag.Headers.GetValues("Docker-Content-Digest").Single());

        using var byDigest = await Client.GetAsync($"v2/{repo}/manifests/{digest}");
        Assert.Equal(manifest, await byDigest.Content.ReadAsByteArrayAsync());
    }
}
