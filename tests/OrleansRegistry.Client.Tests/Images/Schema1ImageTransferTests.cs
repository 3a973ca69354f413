using OrleansRegistry.Client.Errors;
using OrleansRegistry.Client.Images;
using OrleansRegistry.Client.ObjectStores;
using OrleansRegistry.Client.Registry;
using OrleansRegistry.Client.Tests.Infrastructure;
using OrleansRegistry.Core;
using OrleansRegistry.Core.Schema1;

namespace OrleansRegistry.Client.Tests.Images;

/// <summary>
/// Whole Docker schema1 images (signed manifest, fsLayers without sizes, one digest listed twice) through pull, push
/// and copy, against our server and CNCF distribution 2.8.2 with schema1 enabled: the registry digest (of the payload
/// without signatures) survives every hop, the layout files the signed bytes under their own sha256, every blob
/// arrives with its real size, and a missing blob fails the transfer before any manifest is published.
/// </summary>
[Collection(RegistryServerCollection.Name)]
public sealed class Schema1ImageTransferTests(RegistryFixture fixture, Schema1DistributionFixture distribution)
    : IClassFixture<Schema1DistributionFixture>, IDisposable
{
    private static readonly string[] Schema1Accept = [MediaTypes.DockerSchema1Signed];
    private readonly TempDirectory _temp = new();
    private readonly ImageTransfer _images = new();

    public void Dispose() => _temp.Dispose();

    private Uri Ours => fixture.Registry.BaseAddress;

    private Uri Distribution => new($"http://{distribution.HostPort}/");

    [Fact]
    public async Task Pull_to_a_layout_and_push_back_keeps_the_registry_digest_the_bytes_and_every_blob()
    {
        var (client, http) = TestClients.Create(Ours);
        using var _ = http;
        var source = client.Repository(TestClients.UniqueRepository("schema1/pull"));
        var image = Schema1TestImage.Build(source.Name, seed: 500);
        await PublishAsync(source, image, "v1");
        var layout = new OciLayout(_temp.Child("pulled"));
        var store = new OciLayoutStore(layout.Directory);
        var events = new EventRecorder();

        var pulled = await _images.PullAsync(source, "v1", store, "v1", new TransferOptions { Window = 1, Progress = events });

        var length = image.Signed.Bytes.Length;
        Assert.Equal(new Descriptor(MediaTypes.DockerSchema1Signed, image.Digest, length), pulled);
        // The layout is content-addressed: the signed bytes under their own sha256, typed schema1, and the tag names that.
        Assert.Equal(new Descriptor(MediaTypes.DockerSchema1Signed, image.BytesDigest, length),
            LayoutAssert.Plain((await store.ResolveTagAsync("v1"))!));
        Assert.Equal(image.Signed.Bytes, layout.ReadBlob(image.BytesDigest.ToString()));
        Assert.Equal(image.BlobDigests.Append(image.BytesDigest).Select(d => d.ToString()).Order(StringComparer.Ordinal), layout.BlobDigests());
        foreach (var blob in image.Blobs)
            Assert.Equal(blob, layout.ReadBlob(Digest.Compute(blob).ToString()));
        // Window 1: blobs start in fsLayers order, each digest once, and carry their real sizes (schema1 gives none).
        events.AssertWellFormed();
        var started = events.Events.Where(e => e.Kind == TransferEventKind.Started && !MediaTypes.IsManifest(e.Item.MediaType)).ToList();
        Assert.Equal(image.BlobDigests, started.Select(e => e.Item.Digest));
        Assert.Equal(image.Blobs.Select(b => (long)b.Length), started.Select(e => e.Item.Size));

        // Everything is there now: a second pull (by the registry digest) moves nothing and tags the same stored bytes.
        var again = new EventRecorder();
        await _images.PullAsync(source, image.Digest.ToString(), store, "again", new TransferOptions { Progress = again });
        Assert.All(again.Closing().Values, e => Assert.Equal(TransferEventKind.Skipped, e.Kind));
        Assert.Equal(image.BytesDigest.ToString(), layout.ManifestDigest("again"));

        // Back to other repositories, under a tag and by digest: the registry names it by the payload digest again.
        var back = client.Repository(TestClients.UniqueRepository("schema1/back"));
        Assert.Equal(pulled, await _images.PushAsync(store, "v1", back, "v2", new TransferOptions { Window = 2 }));
        var byDigest = client.Repository(TestClients.UniqueRepository("schema1/bydigest"));
        Assert.Equal(pulled, await _images.PushAsync(store, "v1", byDigest, null, new TransferOptions()));
        foreach (var (repository, reference) in new[] { (back, "v2"), (byDigest, image.Digest.ToString()) })
        {
            var served = await repository.Manifests.GetAsync(reference, Schema1Accept);
            Assert.Equal(image.Digest, served.Descriptor.Digest);
            Assert.Equal(image.Signed.Bytes, served.Content);
            await AssertBlobsAsync(repository, image);
        }
    }

    [Fact]
    public async Task A_layout_entry_typed_v1_json_is_pushed_as_the_signed_type_under_the_payload_digest()
    {
        var (client, http) = TestClients.Create(Ours);
        using var _ = http;
        var repository = client.Repository(TestClients.UniqueRepository("schema1/v1json"));
        var image = Schema1TestImage.Build(repository.Name, seed: 505);
        var store = new OciLayoutStore(_temp.Child("by-hand"));
        foreach (var blob in image.Blobs)
            await store.PutAsync(new Descriptor(MediaTypes.OctetStream, Digest.Compute(blob), blob.Length), new MemoryStream(blob));
        var entry = new Descriptor(MediaTypes.DockerSchema1, image.BytesDigest, image.Signed.Bytes.Length);
        await store.PutAsync(entry, new MemoryStream(image.Signed.Bytes));
        await store.SetTagAsync("v1", entry);

        var pushed = await _images.PushAsync(store, "v1", repository, "v1", new TransferOptions());

        Assert.Equal(new Descriptor(MediaTypes.DockerSchema1Signed, image.Digest, image.Signed.Bytes.Length), pushed);
        Assert.Equal(image.Signed.Bytes, (await repository.Manifests.GetAsync("v1", Schema1Accept)).Content);
        await AssertBlobsAsync(repository, image);
    }

    [Fact]
    public async Task Copy_from_distribution_to_ours_and_from_ours_to_distribution_keeps_the_registry_digest()
    {
        var recording = new RecordingHandler();
        var (ours, oursHttp) = TestClients.Create(Ours, null, recording);
        using var _ = oursHttp;
        var (theirs, theirsHttp) = TestClients.Create(Distribution, null, recording);
        using var __ = theirsHttp;
        var origin = theirs.Repository(TestClients.UniqueRepository("schema1/origin"));
        var image = Schema1TestImage.Build(origin.Name, seed: 510);
        await PublishAsync(origin, image, "v1");
        var home = ours.Repository(TestClients.UniqueRepository("schema1/home"));
        var away = theirs.Repository(TestClients.UniqueRepository("schema1/away"));
        var events = new EventRecorder();

        var here = await _images.CopyAsync(origin, "v1", home, "v1", new TransferOptions { Window = 2, Progress = events });
        var there = await _images.CopyAsync(home, "v1", away, "v2", new TransferOptions { Window = 2 });

        Assert.Equal(image.Digest, here.Digest);
        Assert.Equal(MediaTypes.DockerSchema1Signed, here.MediaType);
        Assert.Equal(here, there);
        events.AssertWellFormed();
        var blobs = events.Closing().Values.Where(e => !MediaTypes.IsManifest(e.Item.MediaType)).ToList();
        Assert.Equal(image.Blobs.Count, blobs.Count);
        Assert.All(blobs, e => Assert.Equal(TransferEventKind.Completed, e.Kind));
        Assert.All(blobs, e => Assert.Equal(image.Blobs.Single(b => Digest.Compute(b) == e.Item.Digest).Length, e.Item.Size));
        Assert.DoesNotContain(recording.Requests, r => r.Uri.Query.Contains("mount=")); // two registries: nothing to mount from
        foreach (var (repository, tag) in new[] { (home, "v1"), (away, "v2") })
        {
            // distribution serves schema1 signed again with its own key: same payload, other signature bytes.
            var served = await repository.Manifests.GetAsync(tag, Schema1Accept);
            Assert.Equal(image.Digest, served.Descriptor.Digest);
            Assert.Equal(image.Signed.Payload, SignedManifest.Parse(served.Content).Payload);
            Assert.NotEmpty(SignedManifest.Verify(served.Content));
            await AssertBlobsAsync(repository, image);
        }
    }

    [Fact]
    public async Task Copy_between_repositories_of_ours_mounts_every_blob_and_uploads_none()
    {
        var (client, http) = TestClients.Create(Ours);
        using var _ = http;
        var source = client.Repository(TestClients.UniqueRepository("schema1/mount-from"));
        var image = Schema1TestImage.Build(source.Name, seed: 520);
        await PublishAsync(source, image, "v1");
        var recording = new RecordingHandler();
        var (copyClient, copyHttp) = TestClients.Create(Ours, null, recording);
        using var __ = copyHttp;
        var destination = copyClient.Repository(TestClients.UniqueRepository("schema1/mount-to"));
        var events = new EventRecorder();

        var copied = await _images.CopyAsync(copyClient.Repository(source.Name), "v1", destination, "copied",
            new TransferOptions { Progress = events });

        Assert.Equal(image.Digest, copied.Digest);
        var blobs = events.Closing().Values.Where(e => !MediaTypes.IsManifest(e.Item.MediaType)).ToList();
        Assert.Equal(image.Blobs.Count, blobs.Count);
        Assert.All(blobs, e => Assert.Equal(TransferEventKind.Mounted, e.Kind));
        var requests = recording.Requests;
        Assert.DoesNotContain(requests, r => r.IsPatch);
        Assert.DoesNotContain(requests, r => r.Method == HttpMethod.Put && r.Uri.AbsolutePath.Contains("/blobs/"));
        Assert.DoesNotContain(requests, r => r.Method == HttpMethod.Get && r.Uri.AbsolutePath.Contains("/blobs/"));
        Assert.Equal(image.Blobs.Count, requests.Count(r => r.Method == HttpMethod.Post && r.Uri.Query.Contains("mount=")
            && r.Status == System.Net.HttpStatusCode.Created));
        Assert.Equal(image.Signed.Bytes, (await destination.Manifests.GetAsync("copied", Schema1Accept)).Content);
        await AssertBlobsAsync(destination, image);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_blob_missing_at_the_source_fails_with_its_BLOB_UNKNOWN_and_publishes_no_manifest(bool fromDistribution)
    {
        var (ours, oursHttp) = TestClients.Create(Ours);
        using var _ = oursHttp;
        var (theirs, theirsHttp) = TestClients.Create(Distribution);
        using var __ = theirsHttp;
        var source = (fromDistribution ? theirs : ours).Repository(TestClients.UniqueRepository("schema1/broken"));
        var image = Schema1TestImage.Build(source.Name, seed: fromDistribution ? 531 : 530);
        await PublishAsync(source, image, "v1");
        var missing = image.BlobDigests.ElementAt(2);
        await source.Blobs.DeleteAsync(missing);
        // Another registry as far as the copy knows (other host spelling), so it streams instead of mounting.
        var (other, otherHttp) = TestClients.Create(new Uri($"http://localhost:{Ours.Port}/"));
        using var ___ = otherHttp;
        var destination = other.Repository(TestClients.UniqueRepository("schema1/never"));
        var layout = new OciLayoutStore(_temp.Child("never"));

        var copy = await Assert.ThrowsAsync<RegistryException>(() =>
            _images.CopyAsync(source, "v1", destination, "v1", new TransferOptions { Window = 2 }));
        var pull = await Assert.ThrowsAsync<RegistryException>(() =>
            _images.PullAsync(source, "v1", layout, "v1", new TransferOptions { Window = 2 }));

        foreach (var error in new[] { copy, pull })
        {
            Assert.Same(ErrorCatalog.BlobUnknown, error.Descriptor);
            Assert.Equal("BLOB_UNKNOWN", Assert.Single(error.GetResponseErrors()).Code); // decoded from the source's answer
        }
        Assert.Null(await destination.Manifests.HeadAsync("v1"));
        Assert.Null(await destination.Manifests.HeadAsync(image.Digest.ToString()));
        foreach (var blob in image.BlobDigests)
            Assert.Null(await destination.Blobs.StatAsync(blob)); // sizes are resolved first: nothing moved at all
        Assert.Null(await layout.ResolveTagAsync("v1"));
        Assert.Null(await layout.StatAsync(image.BytesDigest));
    }

    [Fact]
    public async Task An_index_listing_a_schema1_child_is_refused_before_anything_moves()
    {
        var image = Schema1TestImage.Build("schema1/child", seed: 540);
        var store = new OciLayoutStore(_temp.Child("index"));
        var child = new Descriptor(MediaTypes.DockerSchema1Signed, image.BytesDigest, image.Signed.Bytes.Length);
        await store.PutAsync(child, new MemoryStream(image.Signed.Bytes));
        var index = System.Text.Encoding.UTF8.GetBytes($$"""
            {"schemaVersion":2,"mediaType":"{{MediaTypes.OciIndex}}","manifests":[{"mediaType":"{{child.MediaType}}","digest":"{{child.Digest}}","size":{{child.Size}}}]}
            """);
        var root = new Descriptor(MediaTypes.OciIndex, Digest.Compute(index), index.Length);
        await store.PutAsync(root, new MemoryStream(index));
        await store.SetTagAsync("v1", root);
        var inFlight = new InFlightHandler();
        var (client, http) = TestClients.Create(Ours, null, inFlight);
        using var _ = http;

        var error = await Assert.ThrowsAsync<RegistryClientException>(() => _images.PushAsync(store, "v1",
            client.Repository(TestClients.UniqueRepository("schema1/index")), "v1", new TransferOptions()));

        Assert.Contains("schema1", error.Message);
        Assert.Equal(0, inFlight.Sent);
    }

    /// <summary>Uploads the blobs and PUTs the signed manifest, as docker once pushed schema1 images.</summary>
    private static async Task PublishAsync(RepositoryClient repository, Schema1TestImage image, string tag)
    {
        foreach (var blob in image.Blobs)
            await repository.Blobs.UploadAsync(new Descriptor(MediaTypes.OctetStream, Digest.Compute(blob), blob.Length), new MemoryStream(blob));
        Assert.Equal(image.Digest, await repository.Manifests.PutAsync(tag, MediaTypes.DockerSchema1Signed, image.Signed.Bytes));
    }

    private static async Task AssertBlobsAsync(RepositoryClient repository, Schema1TestImage image)
    {
        foreach (var blob in image.Blobs)
            Assert.Equal(blob.Length, await repository.Blobs.StatAsync(Digest.Compute(blob)));
    }
}
