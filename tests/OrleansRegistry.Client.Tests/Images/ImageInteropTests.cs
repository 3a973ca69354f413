using OrleansRegistry.Client.Images;
using OrleansRegistry.Client.ObjectStores;
using OrleansRegistry.Client.Registry;
using OrleansRegistry.Client.Tests.Infrastructure;
using OrleansRegistry.Core;

namespace OrleansRegistry.Client.Tests.Images;

/// <summary>
/// Whole images between our server, CNCF distribution 2.8.2 and skopeo: push to and pull from distribution; copy from
/// our server to distribution and back (streamed, no mount across registries); what we pulled skopeo pushes, and what
/// skopeo pushed we pull; the image digest is the same everywhere. Our server comes from the collection, distribution
/// from a class fixture (its own process).
/// </summary>
[Collection(RegistryServerCollection.Name)]
public sealed class ImageInteropTests(RegistryFixture fixture, DistributionRegistryFixture distribution)
    : IClassFixture<DistributionRegistryFixture>, IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly ImageTransfer _images = new();

    public void Dispose() => _temp.Dispose();

    public static TheoryData<bool> Kinds => [false, true];

    private Uri Ours => fixture.Registry.BaseAddress;

    private Uri Distribution => new($"http://{distribution.HostPort}/");

    private OciLayout Build(string name, bool index, int seed) => index
        ? OciLayoutBuilder.BuildIndex(_temp.Child(name), seed)
        : OciLayoutBuilder.BuildImage(_temp.Child(name), seed);

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Push_to_and_pull_from_distribution(bool index)
    {
        var built = Build("built", index, seed: 200);
        var (client, http) = TestClients.Create(Distribution);
        using var _ = http;
        var repository = client.Repository(TestClients.UniqueRepository("images/dist"));

        var pushed = await _images.PushAsync(new OciLayoutStore(built.Directory), "v1", repository, "v1", new TransferOptions { Window = 3 });
        var pulled = new OciLayout(_temp.Child("pulled"));
        var root = await _images.PullAsync(repository, "v1", new OciLayoutStore(pulled.Directory), "v1", new TransferOptions { Window = 3 });

        Assert.Equal(built.ManifestDigest("v1"), pushed.Digest.ToString());
        await LayoutAssert.TagIsAsync(repository, "v1", built.ManifestDigest("v1"));
        Assert.Equal(pushed, root);
        Assert.Equal(built.ManifestDigest("v1"), pulled.ManifestDigest("v1"));
        LayoutAssert.SameBlobs(built, pulled);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Copy_from_our_server_to_distribution_and_back_streams_every_blob_and_keeps_the_digest(bool index)
    {
        var built = Build("built", index, seed: 210);
        var recording = new RecordingHandler();
        var (ours, oursHttp) = TestClients.Create(Ours, null, recording);
        using var _ = oursHttp;
        var (theirs, theirsHttp) = TestClients.Create(Distribution, null, recording);
        using var __ = theirsHttp;
        var origin = ours.Repository(TestClients.UniqueRepository("images/origin"));
        var away = theirs.Repository(TestClients.UniqueRepository("images/away"));
        var back = ours.Repository(TestClients.UniqueRepository("images/back"));
        await _images.PushAsync(new OciLayoutStore(built.Directory), "v1", origin, "v1", new TransferOptions());
        var events = new EventRecorder();

        var there = await _images.CopyAsync(origin, "v1", away, "there", new TransferOptions { Window = 2, Progress = events });
        var home = await _images.CopyAsync(away, "there", back, "home", new TransferOptions { Window = 2 });

        var digest = built.ManifestDigest("v1");
        Assert.Equal(digest, there.Digest.ToString());
        Assert.Equal(there, home);
        await LayoutAssert.TagIsAsync(away, "there", digest);
        await LayoutAssert.TagIsAsync(back, "home", digest);
        Assert.DoesNotContain(recording.Requests, r => r.Uri.Query.Contains("mount=")); // two registries: nothing to mount from
        events.AssertWellFormed();
        Assert.All(events.Closing().Values, e => Assert.Equal(TransferEventKind.Completed, e.Kind));
        var pulled = new OciLayout(_temp.Child("pulled"));
        await _images.PullAsync(back, "home", new OciLayoutStore(pulled.Directory), "v1", new TransferOptions());
        LayoutAssert.SameBlobs(built, pulled);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task What_we_pull_skopeo_pushes_and_what_skopeo_pushed_we_pull(bool index)
    {
        var built = Build("built", index, seed: 220);
        var all = index ? new[] { "--all" } : [];
        var (client, http) = TestClients.Create(Ours);
        using var _ = http;
        var host = $"{Ours.Host}:{Ours.Port}";
        var digest = built.ManifestDigest("v1");

        // Ours -> layout (us) -> registry (skopeo).
        var ours = client.Repository(TestClients.UniqueRepository("images/ours"));
        await _images.PushAsync(new OciLayoutStore(built.Directory), "v1", ours, "v1", new TransferOptions());
        var pulled = new OciLayout(_temp.Child("pulled"));
        await _images.PullAsync(ours, "v1", new OciLayoutStore(pulled.Directory), "pulled", new TransferOptions());
        var bySkopeo = client.Repository(TestClients.UniqueRepository("images/skopeo-pushed"));
        await Skopeo.CopyAsync(pulled.Reference("pulled"), $"docker://{host}/{bySkopeo.Name}:v1", all);
        await LayoutAssert.TagIsAsync(bySkopeo, "v1", digest);
        Assert.Equal(built.ReadBlob(digest), await Skopeo.InspectRawAsync($"docker://{host}/{bySkopeo.Name}:v1"));

        // Layout -> registry (skopeo) -> layout (us).
        var fromSkopeo = client.Repository(TestClients.UniqueRepository("images/from-skopeo"));
        await Skopeo.CopyAsync(built.Reference("v1"), $"docker://{host}/{fromSkopeo.Name}:v1", all);
        var ourPull = new OciLayout(_temp.Child("our-pull"));
        var root = await _images.PullAsync(fromSkopeo, "v1", new OciLayoutStore(ourPull.Directory), "v1", new TransferOptions());
        Assert.Equal(digest, root.Digest.ToString());
        Assert.Equal(digest, ourPull.ManifestDigest("v1"));
        LayoutAssert.SameBlobs(built, ourPull);

        // And skopeo reads our pull as it reads its own layouts.
        var again = new OciLayout(_temp.Child("again"));
        await Skopeo.CopyAsync(ourPull.Reference("v1"), again.Reference("v1"), all);
        Assert.Equal(digest, again.ManifestDigest("v1"));
        LayoutAssert.SameBlobs(built, again);
    }
}
