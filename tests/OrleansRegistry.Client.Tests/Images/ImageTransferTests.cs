using OrleansRegistry.Client.Images;
using OrleansRegistry.Client.ObjectStores;
using OrleansRegistry.Client.Registry;
using OrleansRegistry.Client.Tests.Infrastructure;
using OrleansRegistry.Core;

namespace OrleansRegistry.Client.Tests.Images;

/// <summary>
/// Whole images end to end against our real server: push of a layout (three layers, one of about 20 MiB, which goes up
/// in chunks) and pull back byte for byte, with window 1 and 3; a multi-arch index; HEAD-skip on a second push and a
/// second pull; copy between two repositories by cross-repository mount (no byte uploaded); an aborted copy.
/// </summary>
[Collection(RegistryServerCollection.Name)]
public sealed class ImageTransferTests(RegistryFixture fixture) : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly ImageTransfer _images = new();

    public void Dispose() => _temp.Dispose();

    private Uri Registry => fixture.Registry.BaseAddress;

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public async Task Push_then_pull_gives_back_the_image_byte_for_byte(int window)
    {
        var built = OciLayoutBuilder.BuildImage(_temp.Child("built"), seed: 100 + window);
        var (client, http) = TestClients.Create(Registry);
        using var _ = http;
        var repository = client.Repository(TestClients.UniqueRepository("images/roundtrip"));
        var pushEvents = new EventRecorder();

        var pushed = await _images.PushAsync(new OciLayoutStore(built.Directory), "v1", repository, "v1",
            new TransferOptions { Window = window, Progress = pushEvents });

        Assert.Equal(built.ManifestDigest("v1"), pushed.Digest.ToString());
        Assert.Equal(MediaTypes.OciManifest, pushed.MediaType);
        await LayoutAssert.TagIsAsync(repository, "v1", built.ManifestDigest("v1"));
        pushEvents.AssertWellFormed();
        var closing = pushEvents.Closing();
        Assert.Equal(5, closing.Count); // config, three layers, manifest
        Assert.All(closing.Values, e => Assert.Equal(TransferEventKind.Completed, e.Kind));
        Assert.Contains(pushEvents.Events, e => e.Kind == TransferEventKind.Progress && e.Item.Size > 16 << 20 && e.BytesDone < e.Item.Size);

        var pulled = new OciLayout(_temp.Child("pulled"));
        var pullEvents = new EventRecorder();
        var root = await _images.PullAsync(repository, "v1", new OciLayoutStore(pulled.Directory), "pulled",
            new TransferOptions { Window = window, Progress = pullEvents });

        Assert.Equal(pushed, root);
        Assert.Equal(built.ManifestDigest("v1"), pulled.ManifestDigest("pulled"));
        LayoutAssert.SameBlobs(built, pulled);
        pullEvents.AssertWellFormed();
        Assert.All(pullEvents.Closing().Values, e => Assert.Equal(TransferEventKind.Completed, e.Kind));

        // Again: the registry and the layout have everything, so nothing moves.
        var again = new EventRecorder();
        await _images.PushAsync(new OciLayoutStore(built.Directory), "v1", repository, "v1", new TransferOptions { Window = window, Progress = again });
        Assert.All(again.Closing().Values.Where(e => !MediaTypes.IsManifest(e.Item.MediaType)), e => Assert.Equal(TransferEventKind.Skipped, e.Kind));
        var pulledAgain = new EventRecorder();
        await _images.PullAsync(repository, built.ManifestDigest("v1"), new OciLayoutStore(pulled.Directory), "by-digest",
            new TransferOptions { Window = window, Progress = pulledAgain });
        Assert.All(pulledAgain.Closing().Values, e => Assert.Equal(TransferEventKind.Skipped, e.Kind));
        Assert.Equal(built.ManifestDigest("v1"), pulled.ManifestDigest("by-digest"));
    }

    [Fact]
    public async Task A_multi_arch_index_is_pushed_and_pulled_with_its_child_images()
    {
        var built = OciLayoutBuilder.BuildIndex(_temp.Child("built"), seed: 110);
        var (client, http) = TestClients.Create(Registry);
        using var _ = http;
        var repository = client.Repository(TestClients.UniqueRepository("images/index"));
        var events = new EventRecorder();

        var pushed = await _images.PushAsync(new OciLayoutStore(built.Directory), "v1", repository, "multi",
            new TransferOptions { Window = 2, Progress = events });

        Assert.Equal(MediaTypes.OciIndex, pushed.MediaType);
        await LayoutAssert.TagIsAsync(repository, "multi", built.ManifestDigest("v1"));
        var index = ManifestParser.Parse(pushed.MediaType, built.ReadBlob(pushed.Digest.ToString()));
        foreach (var child in index.Manifests)
            Assert.Equal(child.Digest, (await repository.Manifests.HeadAsync(child.Digest.ToString()))?.Digest);
        // Blobs of both children (2 x config + 2 layers), then the two children, then the index last.
        var order = events.Events.Where(e => e.Kind == TransferEventKind.Completed).Select(e => e.Item).ToList();
        Assert.Equal(9, order.Count);
        Assert.All(order.Take(6), d => Assert.False(MediaTypes.IsManifest(d.MediaType)));
        Assert.Equal(index.Manifests.Select(c => c.Digest), order.Skip(6).Take(2).Select(d => d.Digest));
        Assert.Equal(pushed.Digest, order[^1].Digest);

        var pulled = new OciLayout(_temp.Child("pulled"));
        var root = await _images.PullAsync(repository, "multi", new OciLayoutStore(pulled.Directory), "v1", new TransferOptions { Window = 2 });

        Assert.Equal(pushed, root);
        Assert.Equal(built.ManifestDigest("v1"), pulled.ManifestDigest("v1"));
        LayoutAssert.SameBlobs(built, pulled);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Copy_between_repositories_of_one_registry_mounts_every_blob_and_uploads_none(bool index)
    {
        var built = index
            ? OciLayoutBuilder.BuildIndex(_temp.Child("built"), seed: 120)
            : OciLayoutBuilder.BuildImage(_temp.Child("built"), seed: 121, bigLayerBytes: 2 << 20);
        var (client, http) = TestClients.Create(Registry);
        using var _ = http;
        var source = client.Repository(TestClients.UniqueRepository("images/copy-from"));
        await _images.PushAsync(new OciLayoutStore(built.Directory), "v1", source, "v1", new TransferOptions());
        var recording = new RecordingHandler();
        var (copyClient, copyHttp) = TestClients.Create(Registry, null, recording);
        using var __ = copyHttp;
        var destinationName = TestClients.UniqueRepository("images/copy-to");
        var events = new EventRecorder();

        var copied = await _images.CopyAsync(copyClient.Repository(source.Name), "v1", copyClient.Repository(destinationName),
            "copied", new TransferOptions { Progress = events });

        Assert.Equal(built.ManifestDigest("v1"), copied.Digest.ToString());
        await LayoutAssert.TagIsAsync(client.Repository(destinationName), "copied", built.ManifestDigest("v1"));
        var blobEvents = events.Closing().Values.Where(e => !MediaTypes.IsManifest(e.Item.MediaType)).ToList();
        Assert.Equal(index ? 6 : 4, blobEvents.Count);
        Assert.All(blobEvents, e => Assert.Equal(TransferEventKind.Mounted, e.Kind));
        var requests = recording.Requests;
        Assert.DoesNotContain(requests, r => r.IsPatch);
        Assert.DoesNotContain(requests, r => r.Method == HttpMethod.Put && r.Uri.AbsolutePath.Contains("/blobs/"));
        Assert.DoesNotContain(requests, r => r.Method == HttpMethod.Get && r.Uri.AbsolutePath.Contains("/blobs/"));
        Assert.Equal(blobEvents.Count, requests.Count(r => r.Method == HttpMethod.Post && r.Uri.Query.Contains("mount=")
            && r.Status == System.Net.HttpStatusCode.Created));

        // And the copy is a whole image: pulled back, it is the built layout.
        var pulled = new OciLayout(_temp.Child("pulled"));
        await _images.PullAsync(client.Repository(destinationName), "copied", new OciLayoutStore(pulled.Directory), "v1", new TransferOptions());
        LayoutAssert.SameBlobs(built, pulled);
    }

    [Fact]
    public async Task Copy_without_a_tag_stores_the_image_by_digest_and_push_mounts_from_MountFrom()
    {
        var built = OciLayoutBuilder.BuildImage(_temp.Child("built"), seed: 130, bigLayerBytes: 1 << 20);
        var (client, http) = TestClients.Create(Registry);
        using var _ = http;
        var source = client.Repository(TestClients.UniqueRepository("images/base"));
        await _images.PushAsync(new OciLayoutStore(built.Directory), "v1", source, null, new TransferOptions());
        var digest = built.ManifestDigest("v1");
        await LayoutAssert.TagIsAsync(source, digest, digest);
        Assert.Empty(await source.ListTagsAsync().ToListAsync()); // pushed by digest: no tag

        var destination = client.Repository(TestClients.UniqueRepository("images/by-digest"));
        var copied = await _images.CopyAsync(source, digest, destination, null, new TransferOptions());
        Assert.Equal(digest, copied.Digest.ToString());
        await LayoutAssert.TagIsAsync(destination, digest, digest);

        var recording = new RecordingHandler();
        var (mountClient, mountHttp) = TestClients.Create(Registry, null, recording);
        using var __ = mountHttp;
        var events = new EventRecorder();
        var app = mountClient.Repository(TestClients.UniqueRepository("images/app"));
        await _images.PushAsync(new OciLayoutStore(built.Directory), "v1", app, "v1",
            new TransferOptions { MountFrom = source.Name, Progress = events });
        Assert.All(events.Closing().Values.Where(e => !MediaTypes.IsManifest(e.Item.MediaType)), e => Assert.Equal(TransferEventKind.Mounted, e.Kind));
        Assert.DoesNotContain(recording.Requests, r => r.IsPatch || (r.Method == HttpMethod.Put && r.Uri.AbsolutePath.Contains("/blobs/")));
        await LayoutAssert.TagIsAsync(app, "v1", digest);
    }

    [Fact]
    public async Task A_copy_whose_blob_k_cannot_be_read_fails_with_that_error_and_publishes_no_manifest()
    {
        var builder = new OciLayoutBuilder(_temp.Child("built"));
        var rootLayout = builder.AddImage(140, [30_000, 30_000, 30_000, 30_000]);
        builder.Tag(rootLayout, "v1");
        builder.Save();
        var (client, http) = TestClients.Create(Registry);
        using var _ = http;
        var source = client.Repository(TestClients.UniqueRepository("images/broken-from"));
        await _images.PushAsync(new OciLayoutStore(builder.Layout.Directory), "v1", source, "v1", new TransferOptions());
        var parsed = ManifestParser.Parse(MediaTypes.OciManifest, builder.Layout.ReadBlob(rootLayout.Digest));
        var k = parsed.ReferencedBlobs.ElementAt(2).Digest.ToString();
        // Every GET of blob k breaks after 100 bytes: the download resumes until it gives up, as on a dead link.
        var fault = new FaultInjectingHandler(r => r.Method == HttpMethod.Get && r.RequestUri!.AbsolutePath.EndsWith(k, StringComparison.Ordinal),
            FaultStream.Kind.Break, 100) { Times = 100 };
        var (faultyClient, faultyHttp) = TestClients.Create(Registry,
            new RegistryClientOptions { Registry = Registry, ResumeDelay = TimeSpan.Zero }, fault);
        using var __ = faultyHttp;
        // Another registry as far as the copy knows (other host spelling), so it streams instead of mounting.
        var other = new Uri($"http://localhost:{Registry.Port}/");
        var (otherClient, otherHttp) = TestClients.Create(other);
        using var ___ = otherHttp;
        var destination = otherClient.Repository(TestClients.UniqueRepository("images/broken-to"));
        var events = new EventRecorder();

        var thrown = await Assert.ThrowsAnyAsync<Exception>(() => _images.CopyAsync(faultyClient.Repository(source.Name), "v1",
            destination, "v1", new TransferOptions { Window = 2, Progress = events }));

        Assert.IsType<Errors.RegistryTransportException>(thrown);
        Assert.Same(thrown, events.Closing()[k].Error);
        Assert.True(fault.Applied > 1);
        events.AssertWellFormed();
        Assert.Null(await destination.Manifests.HeadAsync("v1"));
        Assert.Null(await destination.Manifests.HeadAsync(rootLayout.Digest));
        Assert.Null(await destination.Blobs.StatAsync(Digest.Parse(k)));
    }

    [Fact]
    public async Task Push_of_a_tag_the_store_lacks_fails_before_anything_moves()
    {
        var built = OciLayoutBuilder.BuildImage(_temp.Child("built"), seed: 150, bigLayerBytes: 1000);
        var inFlight = new InFlightHandler();
        var (client, http) = TestClients.Create(Registry, null, inFlight);
        using var _ = http;

        await Assert.ThrowsAsync<ImageContentMissingException>(() => _images.PushAsync(new OciLayoutStore(built.Directory), "nope",
            client.Repository("images/missing"), "v1", new TransferOptions()));
        await Assert.ThrowsAsync<ArgumentException>(() => _images.PushAsync(new OciLayoutStore(built.Directory), "v1",
            client.Repository("images/missing"), "not a tag", new TransferOptions()));
        Assert.Equal(0, inFlight.Sent);
    }
}
