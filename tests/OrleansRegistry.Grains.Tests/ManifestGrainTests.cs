using System.Text;
using Npgsql;
using OrleansRegistry.Core;
using OrleansRegistry.Grains.Abstractions;
using OrleansRegistry.Storage.Index;

namespace OrleansRegistry.Grains.Tests;

/// <summary>
/// The manifest grain on its row: the collector's DeleteUnreferenced keeps what is tagged or young and deletes the rest,
/// and a PUT refused for a missing blob leaves no row behind.
/// </summary>
public sealed class ManifestGrainTests : IAsyncLifetime
{
    private static readonly RepositoryName Repository = RepositoryName.Parse("grains/manifests");
    private RegistryTestCluster _cluster = null!;
    private NpgsqlDataSource _dataSource = null!;

    public async Task InitializeAsync()
    {
        _cluster = await RegistryTestCluster.StartAsync(silos: 2);
        _dataSource = NpgsqlDataSource.Create(_cluster.ConnectionString);
    }

    public async Task DisposeAsync()
    {
        await _dataSource.DisposeAsync();
        await _cluster.DisposeAsync();
    }

    [Fact]
    public async Task DeleteUnreferenced_deletes_an_old_untagged_manifest_and_keeps_a_tagged_one()
    {
        var (tagged, taggedBytes) = await PutAsync("tagged", Tag.Parse("v1"));
        var (loose, _) = await PutAsync("loose", tag: null);
        var later = DateTimeOffset.UtcNow.AddMinutes(1);

        Assert.False(await _cluster.Grains.Manifest(Repository, loose).DeleteUnreferenced(DateTimeOffset.UtcNow.AddHours(-1)));
        Assert.False(await _cluster.Grains.Manifest(Repository, tagged).DeleteUnreferenced(later));
        Assert.True(await _cluster.Grains.Manifest(Repository, loose).DeleteUnreferenced(later));

        Assert.Null(await _cluster.Grains.Manifest(Repository, loose).Get());
        Assert.Equal(taggedBytes, (await _cluster.Grains.Manifest(Repository, tagged).Get())!.Bytes);
        Assert.Equal(tagged, await _cluster.Grains.Repository(Repository).ResolveTag(Tag.Parse("v1")));
    }

    [Fact]
    public async Task A_put_refused_for_a_missing_blob_writes_no_row_and_no_tag()
    {
        var missing = Digest.Compute("never uploaded"u8);
        var bytes = Manifest(missing, "refused");
        var digest = Digest.Compute(bytes);

        var error = await Assert.ThrowsAsync<RegistryException>(() =>
            _cluster.Grains.Manifest(Repository, digest).Put(MediaTypes.OciManifest, bytes, Tag.Parse("refused")));

        Assert.Same(ErrorCatalog.ManifestBlobUnknown, error.Descriptor);
        Assert.Null(await new PostgresRegistryIndex(_dataSource).GetManifestAsync(Repository, digest));
        Assert.Null(await _cluster.Grains.Repository(Repository).ResolveTag(Tag.Parse("refused")));
        Assert.Null(await _cluster.Grains.Manifest(Repository, digest).Get());
    }

    private async Task<(Digest Digest, byte[] Bytes)> PutAsync(string seed, Tag? tag)
    {
        var config = Encoding.UTF8.GetBytes($"{{\"seed\":\"{seed}\"}}");
        var configDigest = Digest.Compute(config);
        var index = new PostgresRegistryIndex(_dataSource);
        await index.CommitBlobAsync(configDigest, config.Length, _ => Task.CompletedTask);
        Assert.True(await _cluster.Grains.Repository(Repository).LinkBlob(configDigest, config.Length));
        var bytes = Manifest(configDigest, seed, config.Length);
        var digest = Digest.Compute(bytes);
        await _cluster.Grains.Manifest(Repository, digest).Put(MediaTypes.OciManifest, bytes, tag);
        return (digest, bytes);
    }

    private static byte[] Manifest(Digest config, string seed, long size = 12) => Encoding.UTF8.GetBytes(
        $$"""{"schemaVersion":2,"mediaType":"{{MediaTypes.OciManifest}}","config":{"mediaType":"{{MediaTypes.OciConfig}}","digest":"{{config}}","size":{{size}}},"layers":[],"annotations":{"seed":"{{seed}}"} }""");
}
