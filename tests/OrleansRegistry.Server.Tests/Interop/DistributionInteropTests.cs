using OrleansRegistry.Server.Tests.Infrastructure;

namespace OrleansRegistry.Server.Tests.Interop;

/// <summary>
/// Our registry and the reference implementation (CNCF distribution 2.8.2) exchange images through skopeo in
/// both directions: content addressing must make the manifest digest and every blob identical on all three
/// sides (source layout, distribution, ours).
/// </summary>
[Collection(RegistryCollection.Name)]
public sealed class DistributionInteropTests(RegistryFixture fixture, DistributionRegistryFixture distribution, InteropLayouts layouts)
    : IClassFixture<DistributionRegistryFixture>, IClassFixture<InteropLayouts>
{
    private string Ours => fixture.Registry.HostPort;

    private string Reference => distribution.HostPort;

    [Fact] // acceptance: ours → distribution → ours (another repository), digests and bytes unchanged everywhere
    public async Task Image_copies_between_ours_and_distribution_unchanged()
    {
        await RoundTripAsync(layouts.Image);
    }

    [Fact] // the same with an image index and two platform images (skopeo copy --all)
    public async Task Multi_platform_index_copies_between_ours_and_distribution_unchanged()
    {
        await RoundTripAsync(layouts.Index, "--all");
    }

    private async Task RoundTripAsync(OciLayout source, params string[] copyOptions)
    {
        var first = TestImages.UniqueRepo("interop/dist");
        var second = TestImages.UniqueRepo("interop/dist");
        var digest = source.ManifestDigest("v1");
        var manifest = source.ReadBlob(digest);
        using var scratch = new TempDirectory();

        await Skopeo.CopyAsync(source.Reference("v1"), $"docker://{Ours}/{first}:v1", copyOptions);
        await Skopeo.CopyAsync($"docker://{Ours}/{first}:v1", $"docker://{Reference}/{first}:v1", copyOptions);
        await Skopeo.CopyAsync($"docker://{Reference}/{first}:v1", $"docker://{Ours}/{second}:v1", copyOptions);

        foreach (var location in new[] { $"{Ours}/{first}", $"{Reference}/{first}", $"{Ours}/{second}" })
        {
            var raw = await Skopeo.InspectRawAsync($"docker://{location}:v1");
            Assert.True(manifest.AsSpan().SequenceEqual(raw), $"manifest at {location}:v1 differs from the source");
            Assert.Equal(digest, TestImages.Digest(raw));
            Assert.Equal(manifest, await Skopeo.InspectRawAsync($"docker://{location}@{digest}"));
        }

        // Blobs: pull from distribution and from the second repository of ours; both equal the source.
        var fromReference = new OciLayout(scratch.Child("from-distribution"));
        await Skopeo.CopyAsync($"docker://{Reference}/{first}:v1", fromReference.Reference("v1"), copyOptions);
        LayoutAssert.SameContent(source, fromReference);

        var fromOurs = new OciLayout(scratch.Child("from-ours"));
        await Skopeo.CopyAsync($"docker://{Ours}/{second}:v1", fromOurs.Reference("v1"), copyOptions);
        LayoutAssert.SameContent(source, fromOurs);
    }
}
