using OrleansRegistry.Server.Tests.Infrastructure;

namespace OrleansRegistry.Server.Tests.Interop;

/// <summary>
/// A real client (skopeo 1.9.3 / containers-image) against the registry: OCI Distribution Spec v1.1 push
/// ("Pushing blobs", "Pushing manifests"), pull ("Pulling manifests", "Pulling blobs") and "Listing tags", as
/// clients actually sequence them (HEAD checks, POST/PUT uploads, Accept negotiation, HTTPS-then-HTTP probe).
/// </summary>
[Collection(RegistryCollection.Name)]
public sealed class SkopeoInteropTests(RegistryFixture fixture, InteropLayouts layouts) : IClassFixture<InteropLayouts>
{
    private string Host => fixture.Registry.HostPort;

    [Fact] // acceptance: skopeo round trip oci → registry → oci keeps every blob and the manifest byte-identical
    public async Task Copy_into_the_registry_and_back_is_byte_identical()
    {
        var repo = TestImages.UniqueRepo("interop/skopeo");
        using var scratch = new TempDirectory();

        await Skopeo.CopyAsync(layouts.Image.Reference("v1"), $"docker://{Host}/{repo}:v1");
        var pulled = new OciLayout(scratch.Child("pulled"));
        await Skopeo.CopyAsync($"docker://{Host}/{repo}:v1", pulled.Reference("v1"));

        LayoutAssert.SameContent(layouts.Image, pulled);
    }

    [Fact] // spec "Pulling manifests": the manifest is served exactly as pushed, by tag and by digest
    public async Task Inspect_raw_returns_the_pushed_manifest_bytes_by_tag_and_digest()
    {
        var repo = TestImages.UniqueRepo("interop/skopeo");
        await Skopeo.CopyAsync(layouts.Image.Reference("v1"), $"docker://{Host}/{repo}:v1");

        var digest = layouts.Image.ManifestDigest("v1");
        var source = layouts.Image.ReadBlob(digest);
        Assert.Equal(source, await Skopeo.InspectRawAsync($"docker://{Host}/{repo}:v1"));
        Assert.Equal(source, await Skopeo.InspectRawAsync($"docker://{Host}/{repo}@{digest}"));
    }

    [Fact] // spec "Listing tags" (end-8a) through skopeo list-tags; the second tag comes from a registry-to-registry copy
    public async Task List_tags_shows_every_pushed_tag()
    {
        var repo = TestImages.UniqueRepo("interop/skopeo");
        await Skopeo.CopyAsync(layouts.Image.Reference("v1"), $"docker://{Host}/{repo}:v1");
        await Skopeo.CopyAsync($"docker://{Host}/{repo}:v1", $"docker://{Host}/{repo}:v2");

        Assert.Equal(["v1", "v2"], (await Skopeo.ListTagsAsync($"docker://{Host}/{repo}")).Order());
        Assert.Equal(layouts.Image.ReadBlob(layouts.Image.ManifestDigest("v1")),
            await Skopeo.InspectRawAsync($"docker://{Host}/{repo}:v2"));
    }

    [Fact] // spec "Pushing manifests" with an image index: children first, then the index (skopeo copy --all)
    public async Task Multi_platform_index_round_trips_with_copy_all()
    {
        var repo = TestImages.UniqueRepo("interop/skopeo");
        using var scratch = new TempDirectory();

        await Skopeo.CopyAsync(layouts.Index.Reference("v1"), $"docker://{Host}/{repo}:v1", "--all");
        Assert.Equal(layouts.Index.ReadBlob(layouts.Index.ManifestDigest("v1")),
            await Skopeo.InspectRawAsync($"docker://{Host}/{repo}:v1"));

        var pulled = new OciLayout(scratch.Child("pulled"));
        await Skopeo.CopyAsync($"docker://{Host}/{repo}:v1", pulled.Reference("v1"), "--all");
        LayoutAssert.SameContent(layouts.Index, pulled);
    }

    [Fact] // the test helper itself: umoci (an independent reader) accepts the layout OciLayoutBuilder writes
    public async Task Generated_layout_is_valid_for_umoci()
    {
        var result = await ExternalCommand.RunAsync("umoci", ["stat", "--image", $"{layouts.Image.Directory}:v1"],
            timeout: TimeSpan.FromMinutes(1));
        result.EnsureSuccess();
    }
}
