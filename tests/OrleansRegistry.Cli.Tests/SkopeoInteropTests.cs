namespace OrleansRegistry.Cli.Tests;

/// <summary>
/// What oreg pulled, skopeo can push, and what skopeo pushed, oreg can pull, with the same digests
/// everywhere: the layout's, the registry's, and skopeo's view of the registry.
/// </summary>
[Collection(RegistryCollection.Name)]
public sealed class SkopeoInteropTests(RegistryFixture ours, DistributionRegistryFixture distribution)
    : IClassFixture<DistributionRegistryFixture>
{
    [Fact]
    public async Task Skopeo_pushes_what_oreg_pulled()
    {
        using var temp = new TempDirectory();
        var layout = OciLayoutBuilder.BuildImage(temp.Child("src"), seed: 601);
        var digest = layout.ManifestDigest("v1");
        var first = $"{ours.Registry.HostPort}/{Images.UniqueRepo("skopeo-a")}";
        (await Oreg.RunAsync("push", $"{layout.Directory}:v1", $"{first}:v1")).Succeeded();

        var pulled = temp.Child("pulled");
        (await Oreg.RunAsync("pull", $"{first}:v1", $"{pulled}:v1")).Succeeded();
        foreach (var host in new[] { ours.Registry.HostPort, distribution.HostPort })
        {
            var target = $"{host}/{Images.UniqueRepo("skopeo-b")}:v1";
            await Skopeo.CopyAsync(new OciLayout(pulled).Reference("v1"), $"docker://{target}");
            var served = await Skopeo.InspectRawAsync($"docker://{target}");
            Assert.Equal(digest, Images.Sha256(served));
            Assert.Equal(layout.ReadBlob(digest), served);
        }
    }

    [Fact]
    public async Task Oreg_pulls_what_skopeo_pushed()
    {
        using var temp = new TempDirectory();
        var layout = OciLayoutBuilder.BuildImage(temp.Child("src"), seed: 602);
        foreach (var host in new[] { ours.Registry.HostPort, distribution.HostPort })
        {
            var target = $"{host}/{Images.UniqueRepo("skopeo-c")}";
            await Skopeo.CopyAsync(layout.Reference("v1"), $"docker://{target}:v1");

            var pulled = temp.Child($"pulled-{host.Replace(':', '-')}");
            var pull = (await Oreg.RunAsync("pull", $"{target}:v1", $"{pulled}:v1")).Succeeded();
            Assert.EndsWith($" {layout.ManifestDigest("v1")} to {pulled}:v1", pull.StdoutLines[^1]);
            Images.AssertSameImage(layout, "v1", new OciLayout(pulled), "v1");
            // And skopeo reads oreg's layout back as the same image.
            var copied = temp.Child($"skopeo-{host.Replace(':', '-')}");
            await Skopeo.CopyAsync(new OciLayout(pulled).Reference("v1"), new OciLayout(copied).Reference("v1"));
            Assert.Equal(layout.ManifestDigest("v1"), new OciLayout(copied).ManifestDigest("v1"));
        }
    }
}
