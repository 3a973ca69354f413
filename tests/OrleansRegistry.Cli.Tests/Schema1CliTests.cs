using System.Net.Http.Headers;
using OrleansRegistry.Client.ObjectStores;
using OrleansRegistry.Core;

namespace OrleansRegistry.Cli.Tests;

/// <summary>
/// oreg moves Docker schema1 images (copying old images out of an old registry) and prints the digest registries file
/// them under (of the payload without signatures), not the digest of the signed bytes a layout files them under.
/// </summary>
[Collection(RegistryCollection.Name)]
public sealed class Schema1CliTests(RegistryFixture fixture)
{
    private string Host => fixture.Registry.HostPort;

    [Fact]
    public async Task Copy_of_a_schema1_image_exits_0_and_the_destination_serves_the_same_digest()
    {
        using var temp = new TempDirectory();
        var fromRepo = Images.UniqueRepo("s1-from");
        var toRepo = Images.UniqueRepo("s1-to");
        var (from, to) = ($"{Host}/{fromRepo}", $"{Host}/{toRepo}");
        var image = Schema1TestImage.Build(fromRepo, seed: 350);
        var layout = await WriteLayoutAsync(temp.Child("src"), image);

        var push = (await Oreg.RunAsync("push", $"{layout}:v1", $"{from}:v1")).Succeeded();
        var copy = (await Oreg.RunAsync("copy", $"{from}:v1", $"{to}:copied")).Succeeded();
        var pulled = temp.Child("pulled");
        var pull = (await Oreg.RunAsync("pull", $"{to}:copied", $"{pulled}:v1")).Succeeded();

        Assert.Equal($"pushed {from}:v1 {image.Digest}", push.StdoutLines[^1]);
        Assert.Equal($"copied {from}:v1 to {to}:copied {image.Digest}", copy.StdoutLines[^1]);
        Assert.Equal($"pulled {to}:copied {image.Digest} to {pulled}:v1", pull.StdoutLines[^1]);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"v2/{toRepo}/manifests/copied");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(MediaTypes.DockerSchema1Signed));
        using var response = await fixture.Client.SendAsync(request);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(image.Digest.ToString(), Assert.Single(response.Headers.GetValues("Docker-Content-Digest")));
        Assert.Equal(image.Signed.Bytes, await response.Content.ReadAsByteArrayAsync());
        // The pulled layout holds the same signed bytes, filed under their own sha256.
        Assert.Equal(image.BytesDigest.ToString(), new OciLayout(pulled).ManifestDigest("v1"));
        Assert.Equal(image.Signed.Bytes, new OciLayout(pulled).ReadBlob(image.BytesDigest.ToString()));
    }

    /// <summary>An OCI layout holding the image as a pull would leave it: blobs, and the signed bytes under their sha256.</summary>
    private static async Task<string> WriteLayoutAsync(string directory, Schema1TestImage image)
    {
        var store = new OciLayoutStore(directory);
        foreach (var blob in image.Blobs)
            await store.PutAsync(new Descriptor(MediaTypes.OctetStream, Digest.Compute(blob), blob.Length), new MemoryStream(blob));
        var manifest = new Descriptor(MediaTypes.DockerSchema1Signed, image.BytesDigest, image.Signed.Bytes.Length);
        await store.PutAsync(manifest, new MemoryStream(image.Signed.Bytes));
        await store.SetTagAsync("v1", manifest);
        return store.Directory;
    }
}
