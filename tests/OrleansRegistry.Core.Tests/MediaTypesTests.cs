namespace OrleansRegistry.Core.Tests;

public sealed class MediaTypesTests
{
    [Theory]
    [InlineData(MediaTypes.OciManifest, true, false)]
    [InlineData(MediaTypes.DockerManifest, true, false)]
    [InlineData(MediaTypes.OciIndex, true, true)]
    [InlineData(MediaTypes.DockerManifestList, true, true)]
    [InlineData("Application/VND.OCI.Image.Index.v1+JSON", true, true)] // RFC 9110 8.3.1: case-insensitive
    [InlineData(MediaTypes.DockerSchema1Signed, true, false)] // stored when every signature verifies
    [InlineData(MediaTypes.DockerSchema1, true, false)]
    [InlineData(MediaTypes.OciConfig, false, false)]
    [InlineData(MediaTypes.OciEmptyJson, false, false)]
    [InlineData(MediaTypes.Json, false, false)]
    public void Manifest_and_index_types(string mediaType, bool manifest, bool index)
    {
        Assert.Equal(manifest, MediaTypes.IsManifest(mediaType));
        Assert.Equal(index, MediaTypes.IsIndex(mediaType));
    }

    [Theory]
    [InlineData("application/json; charset=utf-8", MediaTypes.Json)]
    [InlineData("  APPLICATION/VND.OCI.IMAGE.MANIFEST.V1+JSON ", MediaTypes.OciManifest)]
    [InlineData("text/Plain;q=1", "text/plain")]
    [InlineData("", null)]
    [InlineData(" ; x=y", null)]
    [InlineData(null, null)]
    public void Essence_drops_parameters_and_case(string? input, string? expected) =>
        Assert.Equal(expected, MediaTypes.Essence(input));

    [Fact]
    public void Essence_of_a_known_type_is_the_constant_itself() =>
        Assert.Same(MediaTypes.OciManifest, MediaTypes.Essence("application/vnd.oci.image.manifest.v1+json; x=1"));
}
