using System.Text;
using OrleansRegistry.Core;
using OrleansRegistry.Grains.Abstractions;

namespace OrleansRegistry.Grains.Tests;

/// <summary>
/// Grain contracts carry Core's types and fail with Core's <see cref="RegistryException"/> (docs/architecture.md#shape). Calls go
/// through a TestCluster gateway, so every value below was serialized and deserialized on its way.
/// </summary>
public sealed class GrainBoundaryTests : IAsyncLifetime
{
    private RegistryTestCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await RegistryTestCluster.StartAsync(silos: 2);

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact] // spec: "Pushing Manifests" — a manifest referencing an unknown blob is MANIFEST_BLOB_UNKNOWN
    public async Task A_catalog_error_thrown_in_a_grain_arrives_as_RegistryException_with_code_message_and_detail()
    {
        var name = RepositoryName.Parse("boundary/errors");
        var layer = Digest.Compute("not uploaded"u8);
        var manifest = Encoding.UTF8.GetBytes(
            $$"""{"schemaVersion":2,"mediaType":"{{MediaTypes.OciManifest}}","config":{"mediaType":"{{MediaTypes.OciConfig}}","digest":"{{layer}}","size":12},"layers":[]}""");

        var error = await Assert.ThrowsAsync<RegistryException>(() =>
            _cluster.Grains.Manifest(name, Digest.Compute(manifest)).Put(MediaTypes.OciManifest, manifest, null));

        Assert.Same(ErrorCatalog.ManifestBlobUnknown, error.Descriptor);
        Assert.Contains(layer.ToString(), error.Message);
        Assert.Equal(layer.ToString(), error.Detail!.Value.GetProperty("digest").GetString());
    }

    [Fact]
    public async Task Digests_tags_and_names_cross_as_Core_values()
    {
        var name = RepositoryName.Parse("boundary/values");
        var tag = Tag.Parse("v1.0_rc-1");
        var digest = Digest.Compute("manifest bytes"u8);

        await _cluster.Grains.Repository(name).PutTag(tag, digest);

        Assert.Equal(digest, await _cluster.Grains.Repository(name).ResolveTag(tag));
        Assert.Null(await _cluster.Grains.Repository(name).ResolveTag(Tag.Parse("absent")));
    }

    [Fact] // spec: "Pushing a blob in chunks" — an upload that is not open is BLOB_UPLOAD_UNKNOWN
    public async Task An_upload_error_keeps_its_catalog_entry()
    {
        var error = await Assert.ThrowsAsync<RegistryException>(() =>
            _cluster.Grains.UploadSession(Guid.NewGuid()).GetStatus(RepositoryName.Parse("boundary/uploads"), owner: null));
        Assert.Same(ErrorCatalog.BlobUploadUnknown, error.Descriptor);
    }
}
