using System.Net;
using System.Text;
using System.Text.Json;
using OrleansRegistry.Client.Images;
using OrleansRegistry.Client.ObjectStores;
using OrleansRegistry.Client.Registry;
using OrleansRegistry.Client.Tests.Images;
using OrleansRegistry.Client.Tests.Infrastructure;
using OrleansRegistry.Core;
using static OrleansRegistry.Client.Tests.Auth.AuthTestContent;

namespace OrleansRegistry.Client.Tests.Auth;

/// <summary>
/// The client against distribution 2.8.2 with <c>auth: token</c>: the Docker token authentication spec's flow (401
/// with a Bearer challenge, a token from the realm for the challenged scope, the request again with it), the tokens
/// minted by a loopback <see cref="TokenIssuer"/> that records what it was asked for. The user gets every action;
/// anonymous callers get pull only.
/// </summary>
public sealed class BearerAuthTests(TokenAuthRegistryFixture registry) : IClassFixture<TokenAuthRegistryFixture>, IDisposable
{
    private const string User = TokenAuthRegistryFixture.User;
    private const string Password = TokenAuthRegistryFixture.Password;

    private readonly TestClientSet _clients = new();
    private readonly TempDirectory _temp = new();

    private RegistryClient Client(string? user, string? password, RecordingHandler? recording = null,
        long monolithicThreshold = 16 * 1024 * 1024, long chunkSize = 64 * 1024 * 1024)
    {
        var client = _clients.Create(registry.Registry, new RegistryClientOptions
        {
            Registry = registry.Registry,
            Username = user,
            Password = password,
            MonolithicThreshold = monolithicThreshold,
            ChunkSize = chunkSize,
        }, recording is null ? [] : [recording]);
        return client;
    }

    public void Dispose()
    {
        _clients.Dispose();
        _temp.Dispose();
    }

    /// <summary>Pushes a config, a layer and a manifest tagged v1 with the user's credentials; returns the manifest.</summary>
    private async Task<byte[]> PushImageAsync(string name, int seed)
    {
        var repository = Client(User, Password).Repository(name);
        var config = Encoding.UTF8.GetBytes("{\"architecture\":\"amd64\",\"os\":\"linux\"}");
        var layer = TestClients.RandomBytes(50_000, seed);
        await repository.Blobs.UploadAsync(Blob(layer), new MemoryStream(layer));
        await repository.Blobs.UploadAsync(new Descriptor(MediaTypes.OciConfig, Digest.Compute(config), config.Length), new MemoryStream(config));
        var manifest = Manifest(config, layer);
        await repository.Manifests.PutAsync("v1", MediaTypes.OciManifest, manifest);
        return manifest;
    }

    /// <summary>The requests to the registry itself (the recording also sees those to the token endpoint).</summary>
    private List<RecordedRequest> RegistryRequests(RecordingHandler recording) =>
        recording.Requests.Where(r => r.Uri.Port == registry.Registry.Port).ToList();

    private static bool Grants(TokenRequest request, string type, string name, params string[] actions) =>
        request.Granted.Any(a => a.Type == type && a.Name == name && actions.All(a.Allows));

    /// <summary>A token request's scopes in one form whatever the order (of scopes, and of actions within one).</summary>
    private static string ScopeSet(TokenRequest request) => string.Join(' ', request.Scopes
        .Select(s => TokenAccess.ParseScope(s)!)
        .Select(a => $"{a.Type}:{a.Name}:{string.Join(',', a.Actions.Order(StringComparer.Ordinal))}")
        .Order(StringComparer.Ordinal));

    [Fact]
    public async Task With_credentials_blobs_and_a_manifest_go_up_and_come_back_with_tokens_fetched_once_per_scope()
    {
        var name = TestClients.UniqueRepository("auth/bearer");
        var recording = new RecordingHandler();
        var repository = Client(User, Password, recording).Repository(name);
        var config = Encoding.UTF8.GetBytes("{\"architecture\":\"amd64\",\"os\":\"linux\"}");
        var layer = TestClients.RandomBytes(300_000, 21);

        // A fresh client: the blob's HEAD meets the challenge; the streamed POST (and distribution's PUT) that follow
        // must go out already carrying a pull,push token, since their bodies cannot be sent twice.
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
        Assert.Equal(["v1"], await repository.ListTagsAsync().ToListAsync());

        var sent = RegistryRequests(recording);
        var refused = Assert.Single(sent, r => r.Status == HttpStatusCode.Unauthorized);
        Assert.Same(sent[0], refused);
        Assert.Equal(HttpMethod.Head, refused.Method);
        Assert.Contains(sent, r => r.Method == HttpMethod.Post && r.Uri.Query.Contains("digest=") && r.Status != HttpStatusCode.Unauthorized);

        var tokens = registry.Issuer.RequestsFor(name);
        Assert.All(tokens, t =>
        {
            Assert.Equal(HttpStatusCode.OK, t.Status);
            Assert.True(t.Authenticated);
            Assert.Equal(TokenAuthRegistryFixture.Service, t.Service);
        });
        Assert.Contains(tokens, t => Grants(t, "repository", name, "pull", "push"));
        Assert.Contains(tokens, t => ScopeSet(t) == $"repository:{name}:pull");
        // Cached per scope: no scope asked for twice, so a handful of token requests for many registry requests.
        Assert.Equal(tokens.Count, tokens.Select(ScopeSet).Distinct().Count());
        Assert.InRange(tokens.Count, 2, sent.Count / 4);
    }

    [Fact]
    public async Task With_credentials_a_chunked_upload_streams_every_chunk_authorised()
    {
        var name = TestClients.UniqueRepository("auth/bchunks");
        var recording = new RecordingHandler();
        var repository = Client(User, Password, recording, monolithicThreshold: 1024, chunkSize: 100_000).Repository(name);
        var layer = TestClients.RandomBytes(350_000, 22);

        Assert.Equal(BlobUploadOutcome.UploadedChunked, await repository.Blobs.UploadAsync(Blob(layer), new MemoryStream(layer)));

        var patches = RegistryRequests(recording).Where(r => r.IsPatch).ToList();
        Assert.Equal([0L, 100_000L, 200_000L, 300_000L], patches.Select(p => p.ContentRangeStart));
        Assert.All(patches, p => Assert.Equal(HttpStatusCode.Accepted, p.Status));
        Assert.Single(registry.Issuer.RequestsFor(name), t => ScopeSet(t) == $"repository:{name}:pull,push");

        var reader = Client(User, Password).Repository(name);
        await using var read = await reader.Blobs.OpenReadAsync(Blob(layer));
        Assert.Equal(layer, await ReadAllAsync(read));
    }

    [Fact]
    public async Task A_cross_repository_mount_goes_out_with_a_token_for_pull_on_the_source_and_push_on_the_target()
    {
        var source = TestClients.UniqueRepository("auth/msrc");
        var target = TestClients.UniqueRepository("auth/mdst");
        var recording = new RecordingHandler();
        var client = Client(User, Password, recording);
        var data = TestClients.RandomBytes(40_000, 23);
        await client.Repository(source).Blobs.UploadAsync(Blob(data), new MemoryStream(data));

        Assert.True(await client.Repository(target).Blobs.MountAsync(Digest.Compute(data), source));

        var mount = Assert.Single(RegistryRequests(recording), r => r.Uri.Query.Contains("mount="));
        Assert.Equal(HttpStatusCode.Created, mount.Status); // the first try, already with the right token
        var token = Assert.Single(registry.Issuer.RequestsFor(target));
        Assert.True(Grants(token, "repository", source, "pull"));
        Assert.True(Grants(token, "repository", target, "pull", "push"));
        Assert.False(Grants(token, "repository", source, "push")); // no more than the mount needs
        await using var read = await Client(User, Password).Repository(target).Blobs.OpenReadAsync(Blob(data));
        Assert.Equal(data, await ReadAllAsync(read));
    }

    [Fact]
    public async Task After_a_delete_a_streamed_upload_to_the_same_repository_is_still_authorised()
    {
        // distribution wants "delete" for DELETE, not pull,push: what the DELETE learnt must not change the token that
        // later uploads (streamed, so never replayed after a 401) carry.
        var name = TestClients.UniqueRepository("auth/bdelete");
        var recording = new RecordingHandler();
        var repository = Client(User, Password, recording).Repository(name);
        var first = TestClients.RandomBytes(30_000, 24);
        var second = TestClients.RandomBytes(30_000, 25);
        await repository.Blobs.UploadAsync(Blob(first), new MemoryStream(first));

        await repository.Blobs.DeleteAsync(Digest.Compute(first));
        await repository.Blobs.UploadAsync(Blob(second), new MemoryStream(second));

        Assert.Null(await repository.Blobs.StatAsync(Digest.Compute(first)));
        Assert.Equal(second.Length, await repository.Blobs.StatAsync(Digest.Compute(second)));
        // Only the fresh client's first HEAD met a 401: the DELETE's scope was known before it went out.
        Assert.Single(RegistryRequests(recording), r => r.Status == HttpStatusCode.Unauthorized);
        Assert.Contains(registry.Issuer.RequestsFor(name), t => ScopeSet(t) == $"repository:{name}:delete" && Grants(t, "repository", name, "delete"));
    }

    [Fact]
    public async Task With_credentials_the_catalog_lists_pushed_repositories()
    {
        var name = TestClients.UniqueRepository("auth/bcatalog");
        await PushImageAsync(name, seed: 26);
        var before = registry.Issuer.Requests.Count;

        var repositories = await Client(User, Password).ListRepositoriesAsync().ToListAsync();

        Assert.Contains(name, repositories);
        var catalog = Assert.Single(registry.Issuer.Requests.Skip(before));
        Assert.Equal(["registry:catalog:*"], catalog.Scopes);
        Assert.True(catalog.Authenticated);
        Assert.True(Grants(catalog, "registry", "catalog", "*"));
    }

    [Fact]
    public async Task With_a_wrong_password_every_call_is_unauthorized_and_none_hangs()
    {
        var name = TestClients.UniqueRepository("auth/bwrong");
        var repository = Client(User, "not-the-password").Repository(name);
        var data = TestClients.RandomBytes(200_000, 27);
        var before = registry.Issuer.Requests.Count;

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await AssertUnauthorized(() => repository.Blobs.UploadAsync(Blob(data), new MemoryStream(data), ct: timeout.Token));
        await AssertUnauthorized(() => repository.Blobs.StatAsync(Digest.Compute(data), timeout.Token));
        await AssertUnauthorized(() => repository.Manifests.PutAsync("v1", MediaTypes.OciManifest, Manifest(data, data), ct: timeout.Token));
        await AssertUnauthorized(() => repository.Manifests.GetAsync("v1", ct: timeout.Token));

        var refused = registry.Issuer.Requests.Skip(before).ToList();
        Assert.NotEmpty(refused);
        Assert.All(refused, t => Assert.Equal(HttpStatusCode.Unauthorized, t.Status));
        Assert.InRange(refused.Count, 1, 8); // at most a token request before and one after each 401
    }

    [Fact]
    public async Task Without_credentials_pulls_work_and_pushes_are_unauthorized()
    {
        var name = TestClients.UniqueRepository("auth/banon");
        var manifest = await PushImageAsync(name, seed: 28);
        var anonymous = Client(null, null);
        var repository = anonymous.Repository(name);
        var data = TestClients.RandomBytes(2_000, 29);

        var fetched = await repository.Manifests.GetAsync("v1");
        Assert.Equal(manifest, fetched.Content);
        Assert.Equal(["v1"], await repository.ListTagsAsync().ToListAsync());
        var layer = JsonDocument.Parse(manifest).RootElement.GetProperty("layers")[0];
        var layerDescriptor = new Descriptor(MediaTypes.OctetStream, Digest.Parse(layer.GetProperty("digest").GetString()!), layer.GetProperty("size").GetInt64());
        await using (var read = await repository.Blobs.OpenReadAsync(layerDescriptor))
            Assert.Equal(layerDescriptor.Size, (await ReadAllAsync(read)).Length);

        await AssertUnauthorized(() => repository.Blobs.UploadAsync(Blob(data), new MemoryStream(data)));
        await AssertUnauthorized(() => repository.Manifests.PutAsync("v2", MediaTypes.OciManifest, manifest));
        await AssertUnauthorized(() => anonymous.ListRepositoriesAsync().ToListAsync().AsTask());

        var asked = registry.Issuer.RequestsFor(name).Where(t => !t.Authenticated).ToList();
        Assert.NotEmpty(asked);
        Assert.All(asked, t =>
        {
            Assert.Null(t.User);
            Assert.Equal(HttpStatusCode.OK, t.Status);
            Assert.DoesNotContain(t.Granted, a => a.Allows("push"));
        });
        Assert.Contains(asked, t => Grants(t, "repository", name, "pull"));
    }

    [Fact]
    public async Task A_whole_image_goes_up_and_comes_back_and_is_copied_by_mount_with_the_same_digest()
    {
        var built = OciLayoutBuilder.BuildImage(_temp.Child("built"), seed: 230, bigLayerBytes: 2 << 20);
        var client = Client(User, Password, chunkSize: 1 << 20, monolithicThreshold: 1 << 20);
        var repository = client.Repository(TestClients.UniqueRepository("auth/bimage"));
        var copy = client.Repository(TestClients.UniqueRepository("auth/bcopy"));
        var images = new ImageTransfer();

        var pushed = await images.PushAsync(new OciLayoutStore(built.Directory), "v1", repository, "v1", new TransferOptions { Window = 3 });
        var pulled = new OciLayout(_temp.Child("pulled"));
        var root = await images.PullAsync(repository, "v1", new OciLayoutStore(pulled.Directory), "v1", new TransferOptions { Window = 3 });
        var events = new EventRecorder();
        var copied = await images.CopyAsync(repository, "v1", copy, "v1", new TransferOptions { Window = 3, Progress = events });

        Assert.Equal(built.ManifestDigest("v1"), pushed.Digest.ToString());
        Assert.Equal(pushed, root);
        Assert.Equal(pushed, copied);
        Assert.Equal(built.ManifestDigest("v1"), pulled.ManifestDigest("v1"));
        LayoutAssert.SameBlobs(built, pulled);
        await LayoutAssert.TagIsAsync(copy, "v1", built.ManifestDigest("v1"));
        // Same registry: every blob mounted (the manifest is put), which takes a token for pull on the source and push
        // on the copy.
        var blobs = events.Closing().Where(e => e.Key != built.ManifestDigest("v1")).Select(e => e.Value).ToList();
        Assert.Equal(built.BlobDigests().Count - 1, blobs.Count);
        Assert.All(blobs, e => Assert.Equal(TransferEventKind.Mounted, e.Kind));
    }
}
