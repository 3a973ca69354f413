using System.Text;
using OrleansRegistry.Client.Registry;
using OrleansRegistry.Client.Tests.Infrastructure;
using OrleansRegistry.Core;
using static OrleansRegistry.Client.Tests.Auth.AuthTestContent;

namespace OrleansRegistry.Client.Tests.Auth;

/// <summary>The client against distribution 2.8.2 with <c>auth: htpasswd</c> (Basic challenges).</summary>
public sealed class HtpasswdAuthTests(HtpasswdRegistryFixture registry) : IClassFixture<HtpasswdRegistryFixture>, IDisposable
{
    private readonly TestClientSet _clients = new();

    private RepositoryClient Repository(string? user, string? password, string name, long monolithicThreshold = 16 * 1024 * 1024,
        long chunkSize = 64 * 1024 * 1024)
    {
        var client = _clients.Create(registry.Registry, new RegistryClientOptions
        {
            Registry = registry.Registry,
            Username = user,
            Password = password,
            MonolithicThreshold = monolithicThreshold,
            ChunkSize = chunkSize,
        });
        return client.Repository(name);
    }

    public void Dispose()
    {
        _clients.Dispose();
    }

    [Fact]
    public async Task With_credentials_blobs_and_a_manifest_go_up_and_come_back()
    {
        var repository = Repository(HtpasswdRegistryFixture.User, HtpasswdRegistryFixture.Password, TestClients.UniqueRepository("auth/basic"));
        var config = Encoding.UTF8.GetBytes("{\"architecture\":\"amd64\",\"os\":\"linux\"}");
        var layer = TestClients.RandomBytes(300_000, 11);

        // The first request of this client is the streamed monolithic POST: it must go out already authorised.
        await repository.Blobs.UploadAsync(Blob(layer), new MemoryStream(layer));
        await repository.Blobs.UploadAsync(new Descriptor(MediaTypes.OciConfig, Digest.Compute(config), config.Length), new MemoryStream(config));
        var manifest = Manifest(config, layer);
        var digest = await repository.Manifests.PutAsync("v1", MediaTypes.OciManifest, manifest);

        Assert.Equal(layer.Length, await repository.Blobs.StatAsync(Digest.Compute(layer)));
        await using (var read = await repository.Blobs.OpenReadAsync(Blob(layer)))
            Assert.Equal(layer, await ReadAllAsync(read));
        var fetched = await repository.Manifests.GetAsync("v1");
        Assert.Equal(manifest, fetched.Content);
        Assert.Equal(digest, fetched.Descriptor.Digest);
        Assert.Contains("v1", await repository.ListTagsAsync().ToListAsync());
    }

    [Fact]
    public async Task With_credentials_a_chunked_upload_streams_every_chunk_authorised()
    {
        var name = TestClients.UniqueRepository("auth/chunks");
        var repository = Repository(HtpasswdRegistryFixture.User, HtpasswdRegistryFixture.Password, name,
            monolithicThreshold: 1024, chunkSize: 100_000);
        var layer = TestClients.RandomBytes(350_000, 12);

        await repository.Blobs.UploadAsync(Blob(layer), new MemoryStream(layer));

        var reader = Repository(HtpasswdRegistryFixture.User, HtpasswdRegistryFixture.Password, name);
        await using var read = await reader.Blobs.OpenReadAsync(Blob(layer));
        Assert.Equal(layer, await ReadAllAsync(read));
    }

    [Fact]
    public async Task Without_credentials_every_call_is_unauthorized()
    {
        var repository = Repository(null, null, TestClients.UniqueRepository("auth/anon"));
        var data = TestClients.RandomBytes(2_000, 13);

        await AssertUnauthorized(() => repository.Blobs.StatAsync(Digest.Compute(data)));
        await AssertUnauthorized(() => repository.Blobs.UploadAsync(Blob(data), new MemoryStream(data)));
        await AssertUnauthorized(() => repository.Manifests.GetAsync("v1"));
        await AssertUnauthorized(() => repository.Manifests.PutAsync("v1", MediaTypes.OciManifest, Manifest(data, data)));
    }

    [Fact]
    public async Task With_a_wrong_password_every_call_is_unauthorized()
    {
        var repository = Repository(HtpasswdRegistryFixture.User, "not-the-password", TestClients.UniqueRepository("auth/wrong"));
        var data = TestClients.RandomBytes(200_000, 14);

        await AssertUnauthorized(() => repository.Blobs.UploadAsync(Blob(data), new MemoryStream(data)));
        await AssertUnauthorized(() => repository.Blobs.StatAsync(Digest.Compute(data)));
        await AssertUnauthorized(() => repository.Manifests.PutAsync("v1", MediaTypes.OciManifest, Manifest(data, data)));
        await AssertUnauthorized(() => repository.Manifests.GetAsync("v1"));
    }
}
