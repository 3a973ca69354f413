using System.Text;
using OrleansRegistry.Client.Registry;
using OrleansRegistry.Client.Tests.Infrastructure;
using OrleansRegistry.Core;
using static OrleansRegistry.Client.Tests.Auth.AuthTestContent;

namespace OrleansRegistry.Client.Tests.Auth;

/// <summary>
/// A registry (distribution 2.8.2 on 127.0.0.1) whose Bearer challenge names a token realm on another host, over plain
/// http (127.0.0.2): the client's credentials go to a realm only on the registry's own host or one the caller trusts,
/// and a plain-http realm on another host is not used at all, since the challenge is the registry's word alone.
/// </summary>
public sealed class ForeignRealmTests(ForeignRealmRegistryFixture registry) : IClassFixture<ForeignRealmRegistryFixture>, IDisposable
{
    private readonly TestClientSet _clients = new();

    private RepositoryClient Repository(string name, IReadOnlyCollection<string>? trusted = null)
    {
        var client = _clients.Create(registry.Registry, new RegistryClientOptions
        {
            Registry = registry.Registry,
            Username = TokenAuthRegistryFixture.User,
            Password = TokenAuthRegistryFixture.Password,
            TrustedRealmHosts = trusted ?? [],
        });
        return client.Repository(name);
    }

    public void Dispose()
    {
        _clients.Dispose();
    }

    [Fact]
    public async Task A_plain_http_realm_on_another_host_gets_no_request_and_the_call_is_unauthorized()
    {
        const string name = "foreign/untrusted";
        var repository = Repository(name);
        var data = Encoding.UTF8.GetBytes("never sent to a stranger");

        await AssertUnauthorized(() => repository.Blobs.UploadAsync(Blob(data), new MemoryStream(data)));
        await AssertUnauthorized(() => repository.ListTagsAsync().ToListAsync().AsTask());
        Assert.Empty(registry.Issuer.RequestsFor(name));
    }

    [Fact]
    public async Task A_realm_host_the_caller_trusts_gets_the_credentials_and_the_push_goes_through()
    {
        const string name = "foreign/trusted";
        var repository = Repository(name, trusted: [ForeignRealmRegistryFixture.RealmHost]);
        var data = TestClients.RandomBytes(20_000, 7);
        var config = Encoding.UTF8.GetBytes("{\"architecture\":\"amd64\",\"os\":\"linux\"}");

        await repository.Blobs.UploadAsync(Blob(data), new MemoryStream(data));
        await repository.Blobs.UploadAsync(new Descriptor(MediaTypes.OciConfig, Digest.Compute(config), config.Length), new MemoryStream(config));
        await repository.Manifests.PutAsync("v1", MediaTypes.OciManifest, Manifest(config, data));

        Assert.Equal(["v1"], await repository.ListTagsAsync().ToListAsync());
        var asked = registry.Issuer.RequestsFor(name);
        Assert.NotEmpty(asked);
        Assert.All(asked, t => Assert.Equal(TokenAuthRegistryFixture.User, t.User));
    }
}
