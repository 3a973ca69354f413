using System.Net;
using System.Text;
using System.Text.Json;
using OrleansRegistry.Client.Errors;
using OrleansRegistry.Client.Registry;
using OrleansRegistry.Client.Tests.Infrastructure;
using OrleansRegistry.Core;
using OrleansRegistry.TestSupport.Network;

namespace OrleansRegistry.Client.Tests.Registry;

/// <summary>
/// What the client must do against any OCI registry. Run against our server (<see cref="OurRegistryClientTests"/>)
/// and CNCF distribution 2.8.2 (<see cref="DistributionClientTests"/>), each a real process on loopback.
/// </summary>
public abstract class RegistryClientContract : IDisposable
{
    private readonly TestClientSet _clients = new();

    protected abstract Uri Registry { get; }

    /// <summary>distribution 2.8.2 ignores <c>n</c> on tags lists and sends them in one page, unordered.</summary>
    protected virtual bool PagesTags => true;

    protected RegistryClient NewClient(RegistryClientOptions? options = null, params DelegatingHandler[] handlers)
    {
        var client = _clients.Create(Registry, options, handlers);
        return client;
    }

    protected RegistryClientOptions Options(long monolithicThreshold = 16 * 1024 * 1024, long chunkSize = 64 * 1024 * 1024) =>
        new()
        {
            Registry = Registry,
            MonolithicThreshold = monolithicThreshold,
            ChunkSize = chunkSize,
            ResumeDelay = TimeSpan.FromMilliseconds(50),
        };

    public void Dispose()
    {
        _clients.Dispose();
    }

    protected static Descriptor BlobDescriptor(byte[] data, string mediaType = MediaTypes.OctetStream) =>
        new(mediaType, Digest.Compute(data), data.Length);

    protected static async Task<byte[]> ReadAllAsync(Stream stream)
    {
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        return copy.ToArray();
    }

    /// <summary>Pushes a config and one layer and returns an OCI image manifest over them.</summary>
    protected static async Task<byte[]> PushImageBlobsAsync(RepositoryClient repository, int seed, string? artifactType = null,
        Descriptor? subject = null)
    {
        var config = Encoding.UTF8.GetBytes($"{{\"architecture\":\"amd64\",\"os\":\"linux\",\"seed\":{seed}}}");
        var layer = TestClients.RandomBytes(3000, seed);
        await repository.Blobs.UploadAsync(BlobDescriptor(config, MediaTypes.OciConfig), new MemoryStream(config));
        await repository.Blobs.UploadAsync(BlobDescriptor(layer), new MemoryStream(layer));
        var manifest = new Dictionary<string, object?>
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = MediaTypes.OciManifest,
            ["config"] = new { mediaType = MediaTypes.OciConfig, digest = Digest.Compute(config).ToString(), size = config.Length },
            ["layers"] = new[] { new { mediaType = "application/vnd.oci.image.layer.v1.tar+gzip", digest = Digest.Compute(layer).ToString(), size = layer.Length } },
        };
        if (artifactType is not null) manifest["artifactType"] = artifactType;
        if (subject is not null) manifest["subject"] = new { mediaType = subject.MediaType, digest = subject.Digest.ToString(), size = subject.Size };
        return JsonSerializer.SerializeToUtf8Bytes(manifest);
    }

    [Fact]
    public async Task Ping_answers_for_a_registry()
    {
        await NewClient().PingAsync();
    }

    [Fact]
    public async Task Small_blob_round_trips_and_a_second_upload_only_asks_HEAD()
    {
        var recorder = new RecordingHandler();
        var repository = NewClient(null, recorder).Repository(TestClients.UniqueRepository("client/small"));
        var data = TestClients.RandomBytes(10_000, 1);
        var descriptor = BlobDescriptor(data);
        var progress = new List<long>();

        Assert.Null(await repository.Blobs.StatAsync(descriptor.Digest));
        Assert.Equal(BlobUploadOutcome.UploadedMonolithic,
            await repository.Blobs.UploadAsync(descriptor, new MemoryStream(data), new SynchronousProgress(progress)));
        Assert.Equal(data.Length, progress[^1]);
        Assert.Equal(data.Length, await repository.Blobs.StatAsync(descriptor.Digest));
        await using (var stream = await repository.Blobs.OpenReadAsync(descriptor))
            Assert.Equal(data, await ReadAllAsync(stream));

        var before = recorder.Requests.Count;
        Assert.Equal(BlobUploadOutcome.Existed, await repository.Blobs.UploadAsync(descriptor, new MemoryStream(data)));
        var second = recorder.Requests.Skip(before).ToList();
        Assert.Equal([HttpMethod.Head], second.Select(r => r.Method));
    }

    [Fact]
    public async Task Small_blob_from_a_source_that_cannot_seek_goes_up_as_POST_then_PUT()
    {
        var recorder = new RecordingHandler();
        var repository = NewClient(null, recorder).Repository(TestClients.UniqueRepository("client/unseekable"));
        var data = TestClients.RandomBytes(5000, 2);

        await repository.Blobs.UploadAsync(BlobDescriptor(data), new ScriptedSourceStream(data, maxReadBytes: 700));

        var methods = recorder.Requests.Select(r => r.Method).ToList();
        Assert.Equal([HttpMethod.Head, HttpMethod.Post, HttpMethod.Put], methods);
        await using var stream = await repository.Blobs.OpenReadAsync(Digest.Compute(data));
        Assert.Equal(data, await ReadAllAsync(stream));
    }

    [Fact]
    public async Task Large_blob_goes_up_in_PATCH_chunks_with_Content_Range()
    {
        var recorder = new RecordingHandler();
        var repository = NewClient(Options(monolithicThreshold: 64 * 1024, chunkSize: 256 * 1024), recorder)
            .Repository(TestClients.UniqueRepository("client/chunked"));
        var data = TestClients.RandomBytes(1024 * 1024 + 12_345, 3);

        var outcome = await repository.Blobs.UploadAsync(BlobDescriptor(data), new MemoryStream(data));

        Assert.Equal(BlobUploadOutcome.UploadedChunked, outcome);
        var patches = recorder.Requests.Where(r => r.IsPatch).ToList();
        Assert.Equal([0L, 262_144, 524_288, 786_432, 1_048_576], patches.Select(p => p.ContentRangeStart));
        Assert.All(patches, p => Assert.Equal(HttpStatusCode.Accepted, p.Status));
        Assert.Equal(HttpMethod.Put, recorder.Requests[^1].Method);
        await using var stream = await repository.Blobs.OpenReadAsync(BlobDescriptor(data));
        Assert.Equal(data, await ReadAllAsync(stream));
    }

    [Fact]
    public async Task A_missing_blob_is_null_on_HEAD_and_BLOB_UNKNOWN_on_GET()
    {
        var repository = NewClient().Repository(TestClients.UniqueRepository("client/missing"));
        await repository.Blobs.UploadAsync(BlobDescriptor([1, 2, 3]), new MemoryStream([1, 2, 3])); // the repository exists
        var missing = Digest.Compute("never pushed"u8);

        Assert.Null(await repository.Blobs.StatAsync(missing));
        var error = await Assert.ThrowsAsync<RegistryException>(() => repository.Blobs.OpenReadAsync(missing));

        Assert.Same(ErrorCatalog.BlobUnknown, error.Descriptor);
        Assert.Equal(HttpStatusCode.NotFound, error.GetResponseStatus());
        Assert.Equal("BLOB_UNKNOWN", Assert.Single(error.GetResponseErrors()).Code);
    }

    [Fact]
    public async Task A_byte_flipped_in_transit_fails_the_read_with_DigestMismatch()
    {
        var data = TestClients.RandomBytes(200_000, 4);
        var descriptor = BlobDescriptor(data);
        var repositoryName = TestClients.UniqueRepository("client/corrupt");
        await NewClient().Repository(repositoryName).Blobs.UploadAsync(descriptor, new MemoryStream(data));
        var corrupter = new FaultInjectingHandler(r => r.Method == HttpMethod.Get && r.RequestUri!.AbsolutePath.Contains("/blobs/sha256:"),
            FaultStream.Kind.FlipByte, at: 123_456);
        var repository = NewClient(null, corrupter).Repository(repositoryName);

        await using var stream = await repository.Blobs.OpenReadAsync(descriptor);
        var error = await Assert.ThrowsAsync<DigestMismatchException>(() => ReadAllAsync(stream));

        Assert.Equal(1, corrupter.Applied);
        Assert.Equal(descriptor.Digest, error.Expected);
        Assert.NotEqual(descriptor.Digest, error.Actual);
    }

    [Fact]
    public async Task A_download_cut_mid_blob_resumes_with_Range_from_where_it_broke()
    {
        var data = TestClients.RandomBytes(1024 * 1024, 5);
        var descriptor = BlobDescriptor(data);
        var repositoryName = TestClients.UniqueRepository("client/resume-get");
        await NewClient().Repository(repositoryName).Blobs.UploadAsync(descriptor, new MemoryStream(data));
        var recorder = new RecordingHandler();
        var breaker = new FaultInjectingHandler(r => r.Method == HttpMethod.Get && r.RequestUri!.AbsolutePath.Contains("/blobs/sha256:"),
            FaultStream.Kind.Break, at: 300_000);
        var repository = NewClient(null, recorder, breaker).Repository(repositoryName);
        var progress = new List<long>();

        await using var stream = await repository.Blobs.OpenReadAsync(descriptor, new SynchronousProgress(progress));
        var read = await ReadAllAsync(stream);

        Assert.Equal(data, read);
        var gets = recorder.Requests.Where(r => r.Method == HttpMethod.Get).ToList();
        Assert.Equal(2, gets.Count);
        Assert.Null(gets[0].Range);
        Assert.Equal("bytes=300000-", gets[1].Range);
        Assert.Equal(HttpStatusCode.PartialContent, gets[1].Status);
        Assert.Equal(data.Length, progress[^1]);
        Assert.True(progress.SequenceEqual(progress.Order()), "download progress only grows");
    }

    [Fact]
    public async Task A_download_that_keeps_breaking_gives_up_after_the_resume_budget()
    {
        var data = TestClients.RandomBytes(100_000, 6);
        var descriptor = BlobDescriptor(data);
        var repositoryName = TestClients.UniqueRepository("client/resume-budget");
        await NewClient().Repository(repositoryName).Blobs.UploadAsync(descriptor, new MemoryStream(data));
        var breaker = new FaultInjectingHandler(r => r.Method == HttpMethod.Get && r.RequestUri!.AbsolutePath.Contains("/blobs/sha256:"),
            FaultStream.Kind.Break, at: 10_000) { Times = int.MaxValue };
        var repository = NewClient(new RegistryClientOptions { Registry = Registry, MaxResumeAttempts = 2, ResumeDelay = TimeSpan.Zero },
            breaker).Repository(repositoryName);

        await using var stream = await repository.Blobs.OpenReadAsync(descriptor);
        await Assert.ThrowsAsync<RegistryTransportException>(() => ReadAllAsync(stream));

        Assert.Equal(3, breaker.Applied); // the first GET and two resumes
    }

    [Fact]
    public async Task An_upload_broken_mid_PATCH_resumes_from_the_registrys_Range()
    {
        var recorder = new RecordingHandler();
        var breaker = new FaultInjectingHandler(r => r.Method == HttpMethod.Patch
                && r.Content!.Headers.TryGetValues("Content-Range", out var v) && v.Single().StartsWith("524288-"),
            FaultStream.Kind.Break, at: 100_000);
        var repository = NewClient(Options(monolithicThreshold: 64 * 1024, chunkSize: 256 * 1024), recorder, breaker)
            .Repository(TestClients.UniqueRepository("client/resume-patch"));
        var data = TestClients.RandomBytes(1024 * 1024 + 777, 7);
        var descriptor = BlobDescriptor(data);

        Assert.Equal(BlobUploadOutcome.UploadedChunked, await repository.Blobs.UploadAsync(descriptor, new MemoryStream(data)));

        Assert.Equal(1, breaker.Applied);
        var requests = recorder.Requests.ToList();
        var broken = requests.FindIndex(r => r.IsPatch && r.Failure is not null);
        Assert.True(broken >= 0, "the third PATCH failed in transit");
        Assert.Equal(524_288, requests[broken].ContentRangeStart);
        AssertResumed(requests, broken);

        Assert.Equal(data.Length, await repository.Blobs.StatAsync(descriptor.Digest));
        await using var stream = await repository.Blobs.OpenReadAsync(descriptor);
        Assert.Equal(data, await ReadAllAsync(stream));
    }

    /// <summary>
    /// Registries differ in what survives a broken chunk: ours keeps whole chunks and reports them, distribution 2.8.2
    /// invalidates the session, so the client starts a new one. <paramref name="broken"/> indexes the failed PATCH.
    /// </summary>
    protected abstract void AssertResumed(IReadOnlyList<RecordedRequest> requests, int broken);

    [Fact]
    public async Task An_upload_whose_source_cannot_seek_fails_on_a_break_and_leaves_no_blob()
    {
        var breaker = new FaultInjectingHandler(r => r.Method == HttpMethod.Patch, FaultStream.Kind.Break, at: 50_000);
        var repository = NewClient(Options(monolithicThreshold: 64 * 1024, chunkSize: 256 * 1024), breaker)
            .Repository(TestClients.UniqueRepository("client/no-seek"));
        var data = TestClients.RandomBytes(300_000, 8);

        await Assert.ThrowsAsync<RegistryTransportException>(
            () => repository.Blobs.UploadAsync(BlobDescriptor(data), new ScriptedSourceStream(data)));

        Assert.Null(await repository.Blobs.StatAsync(Digest.Compute(data)));
    }

    [Fact]
    public async Task A_source_shorter_than_its_descriptor_is_a_SizeMismatch_not_a_transport_error()
    {
        var repository = NewClient(Options(monolithicThreshold: 64 * 1024, chunkSize: 256 * 1024))
            .Repository(TestClients.UniqueRepository("client/short"));
        var data = TestClients.RandomBytes(100_000, 9);
        var descriptor = BlobDescriptor(data) with { Size = 150_000 };

        var error = await Assert.ThrowsAsync<SizeMismatchException>(() => repository.Blobs.UploadAsync(descriptor, new MemoryStream(data)));

        Assert.Equal(150_000, error.Expected);
        Assert.Equal(100_000, error.Actual);
    }

    [Fact]
    public async Task A_wrong_digest_is_refused_by_the_registry_with_DIGEST_INVALID()
    {
        var repository = NewClient().Repository(TestClients.UniqueRepository("client/wrong-digest"));
        var data = TestClients.RandomBytes(1000, 10);
        var descriptor = BlobDescriptor(data) with { Digest = Digest.Compute("something else"u8) };

        var error = await Assert.ThrowsAsync<RegistryException>(() => repository.Blobs.UploadAsync(descriptor, new MemoryStream(data)));

        Assert.Same(ErrorCatalog.DigestInvalid, error.Descriptor);
    }

    [Fact]
    public async Task Mount_links_a_blob_of_another_repository_and_cancels_the_session_when_it_cannot()
    {
        var recorder = new RecordingHandler();
        var client = NewClient(null, recorder);
        var source = client.Repository(TestClients.UniqueRepository("client/mount-from"));
        var target = client.Repository(TestClients.UniqueRepository("client/mount-to"));
        var data = TestClients.RandomBytes(4000, 11);
        var descriptor = BlobDescriptor(data);
        await source.Blobs.UploadAsync(descriptor, new MemoryStream(data));

        Assert.True(await target.Blobs.MountAsync(descriptor.Digest, source.Name));
        Assert.Equal(data.Length, await target.Blobs.StatAsync(descriptor.Digest));

        var before = recorder.Requests.Count;
        Assert.False(await target.Blobs.MountAsync(Digest.Compute("not anywhere"u8), source.Name));
        var after = recorder.Requests.Skip(before).ToList();
        Assert.Equal([(HttpMethod.Post, (HttpStatusCode?)HttpStatusCode.Accepted), (HttpMethod.Delete, HttpStatusCode.NoContent)],
            after.Select(r => (r.Method, r.Status)));
    }

    [Fact]
    public async Task Delete_removes_a_blob_from_the_repository()
    {
        var repository = NewClient().Repository(TestClients.UniqueRepository("client/delete"));
        var data = TestClients.RandomBytes(900, 12);
        var descriptor = BlobDescriptor(data);
        await repository.Blobs.UploadAsync(descriptor, new MemoryStream(data));

        await repository.Blobs.DeleteAsync(descriptor.Digest);

        Assert.Null(await repository.Blobs.StatAsync(descriptor.Digest));
        var error = await Assert.ThrowsAsync<RegistryException>(() => repository.Blobs.DeleteAsync(descriptor.Digest));
        Assert.Same(ErrorCatalog.BlobUnknown, error.Descriptor);
    }

    [Fact]
    public async Task Manifest_put_get_head_delete_by_tag_and_digest()
    {
        var repository = NewClient().Repository(TestClients.UniqueRepository("client/manifest"));
        var manifest = await PushImageBlobsAsync(repository, 13);

        var digest = await repository.Manifests.PutAsync("v1", MediaTypes.OciManifest, manifest);
        Assert.Equal(Digest.Compute(manifest), digest);

        var byTag = await repository.Manifests.GetAsync("v1");
        Assert.Equal(manifest, byTag.Content);
        Assert.Equal(new Descriptor(MediaTypes.OciManifest, digest, manifest.Length), byTag.Descriptor);
        var byDigest = await repository.Manifests.GetAsync(digest.ToString());
        Assert.Equal(manifest, byDigest.Content);
        Assert.Equal(byTag.Descriptor, await repository.Manifests.HeadAsync("v1"));
        Assert.Equal(byTag.Descriptor, await repository.Manifests.HeadAsync(digest.ToString()));

        await repository.Manifests.DeleteAsync(digest.ToString());

        Assert.Null(await repository.Manifests.HeadAsync(digest.ToString()));
        var error = await Assert.ThrowsAsync<RegistryException>(() => repository.Manifests.GetAsync(digest.ToString()));
        Assert.Same(ErrorCatalog.ManifestUnknown, error.Descriptor);
    }

    [Fact]
    public async Task A_manifest_changed_in_transit_fails_with_DigestMismatch_by_tag_and_by_digest()
    {
        var name = TestClients.UniqueRepository("client/manifest-corrupt");
        var repository = NewClient().Repository(name);
        var manifest = await PushImageBlobsAsync(repository, 14);
        var digest = await repository.Manifests.PutAsync("v1", MediaTypes.OciManifest, manifest);
        var corrupter = new FaultInjectingHandler(r => r.Method == HttpMethod.Get && r.RequestUri!.AbsolutePath.Contains("/manifests/"),
            FaultStream.Kind.FlipByte, at: 40) { Times = 2 };
        var corrupted = NewClient(null, corrupter).Repository(name);

        var byTag = await Assert.ThrowsAsync<DigestMismatchException>(() => corrupted.Manifests.GetAsync("v1"));
        var byDigest = await Assert.ThrowsAsync<DigestMismatchException>(() => corrupted.Manifests.GetAsync(digest.ToString()));

        Assert.Equal(digest, byTag.Expected);
        Assert.Equal(digest, byDigest.Expected);
    }

    [Fact]
    public async Task Pushing_a_manifest_that_references_a_missing_blob_is_MANIFEST_BLOB_UNKNOWN()
    {
        var repository = NewClient().Repository(TestClients.UniqueRepository("client/manifest-missing"));
        var manifest = await PushImageBlobsAsync(repository, 15);
        var document = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(manifest)!;
        var missing = Digest.Compute("no such layer"u8);
        var broken = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(manifest)
            .Replace(document["layers"][0].GetProperty("digest").GetString()!, missing.ToString()));

        var error = await Assert.ThrowsAsync<RegistryException>(
            () => repository.Manifests.PutAsync("broken", MediaTypes.OciManifest, broken));

        Assert.Same(ErrorCatalog.ManifestBlobUnknown, error.Descriptor);
    }

    [Fact]
    public async Task Tags_list_follows_Link_over_several_pages()
    {
        var recorder = new RecordingHandler();
        var repository = NewClient(null, recorder).Repository(TestClients.UniqueRepository("client/tags"));
        var manifest = await PushImageBlobsAsync(repository, 16);
        var tags = Enumerable.Range(0, 7).Select(i => $"t{i}").ToList();
        foreach (var tag in tags)
            await repository.Manifests.PutAsync(tag, MediaTypes.OciManifest, manifest);

        var before = recorder.Requests.Count;
        var listed = await repository.ListTagsAsync(pageSize: 3).ToListAsync();

        var pages = recorder.Requests.Skip(before).Count(r => r.Uri.AbsolutePath.EndsWith("/tags/list"));
        if (PagesTags)
        {
            Assert.Equal(tags, listed); // the spec's lexical order
            Assert.Equal(3, pages);
            Assert.Equal(tags.Skip(3), await repository.ListTagsAsync(last: "t2").ToListAsync());
        }
        else
        {
            Assert.Equal(tags, listed.Order(StringComparer.Ordinal));
            Assert.Equal(1, pages);
        }
    }

    [Fact]
    public async Task Catalog_follows_Link_over_several_pages()
    {
        var recorder = new RecordingHandler();
        var client = NewClient(null, recorder);
        var prefix = $"client/catalog{Guid.NewGuid():N}"[..26];
        var names = Enumerable.Range(0, 5).Select(i => $"{prefix}/repo{i}").ToList();
        foreach (var name in names)
            await client.Repository(name).Blobs.UploadAsync(BlobDescriptor([7]), new MemoryStream([7]));

        var before = recorder.Requests.Count;
        var listed = await client.ListRepositoriesAsync(pageSize: 2).ToListAsync();

        Assert.Equal(names, listed.Where(n => n.StartsWith(prefix + "/")));
        Assert.True(recorder.Requests.Skip(before).Count(r => r.Uri.AbsolutePath.EndsWith("/_catalog")) >= 3);
        Assert.Equal(listed.Order(StringComparer.Ordinal), listed);
    }

    [Fact]
    public async Task Cancelling_a_chunked_upload_is_OperationCanceled_and_cancels_the_session()
    {
        var recorder = new RecordingHandler();
        var repository = NewClient(Options(monolithicThreshold: 64 * 1024, chunkSize: 128 * 1024), recorder)
            .Repository(TestClients.UniqueRepository("client/cancel"));
        var data = TestClients.RandomBytes(1024 * 1024, 17);
        using var cts = new CancellationTokenSource();
        // Cancel from inside the transfer, once the second chunk is on its way: a real point, not a timer.
        var progress = new CallbackProgress(sent => { if (sent > 200_000) cts.Cancel(); });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => repository.Blobs.UploadAsync(BlobDescriptor(data), new MemoryStream(data), progress, cts.Token));

        Assert.Equal(HttpMethod.Delete, recorder.Requests[^1].Method);
        Assert.Null(await repository.Blobs.StatAsync(Digest.Compute(data)));
    }

    [Fact]
    public async Task Cancelling_a_download_is_OperationCanceled_not_a_resume()
    {
        var data = TestClients.RandomBytes(300_000, 18);
        var descriptor = BlobDescriptor(data);
        var recorder = new RecordingHandler();
        var repository = NewClient(null, recorder).Repository(TestClients.UniqueRepository("client/cancel-get"));
        await repository.Blobs.UploadAsync(descriptor, new MemoryStream(data));
        using var cts = new CancellationTokenSource();

        await using var stream = await repository.Blobs.OpenReadAsync(descriptor, ct: cts.Token);
        var buffer = new byte[1000];
        Assert.True(await stream.ReadAsync(buffer, cts.Token) > 0);
        cts.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => _ = await stream.ReadAsync(buffer, cts.Token));
        Assert.Single(recorder.Requests, r => r.Method == HttpMethod.Get);
    }

    [Fact]
    public async Task A_registry_that_is_not_listening_is_a_transport_error()
    {
        // Bound but not listening, and held for the whole test: connecting is refused and nobody can start listening there.
        using var nobody = LoopbackPorts.BoundButNotListening();
        using var http = new HttpClient();
        var client = new RegistryClient(http, new RegistryClientOptions { Registry = new Uri($"http://127.0.0.1:{LoopbackPorts.PortOf(nobody)}/") });

        var error = await Assert.ThrowsAsync<RegistryTransportException>(() => client.PingAsync());

        Assert.IsType<HttpRequestException>(error.InnerException);
    }

    [Fact]
    public void A_repository_name_outside_the_grammar_is_refused_before_any_request()
    {
        var client = NewClient();
        Assert.Throws<ArgumentException>(() => client.Repository("Upper/Case"));
        Assert.Throws<ArgumentException>(() => client.Repository("a//b"));
    }
}
