using OrleansRegistry.Client.ObjectStores;
using OrleansRegistry.Core;

namespace OrleansRegistry.Client.Tests.ObjectStores;

/// <summary>
/// <see cref="OciLayoutStore"/> against the tools that define <c>oci:DIR:TAG</c> in practice: layouts written by
/// <see cref="OciLayoutBuilder"/> and by skopeo read back blob for blob, and what the store writes is read by
/// skopeo (inspect, copy) and umoci (ls).
/// </summary>
public sealed class OciLayoutInteropTests : IDisposable
{
    private static readonly TimeSpan UmociTimeout = TimeSpan.FromMinutes(1);
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    public static TheoryData<bool> Kinds => [false, true];

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task A_layout_written_by_OciLayoutBuilder_reads_back_blob_for_blob(bool index)
    {
        var layout = Build(_temp.Child("built"), index, seed: 1);
        var store = new OciLayoutStore(layout.Directory);

        var root = await store.ResolveTagAsync("v1");

        Assert.NotNull(root);
        Assert.Equal(layout.ManifestDigest("v1"), root.Digest.ToString());
        Assert.Equal(index ? MediaTypes.OciIndex : MediaTypes.OciManifest, root.MediaType);
        var blobs = await ReachableAsync(store, root);
        Assert.Equal(index ? 9 : 5, blobs.Count); // root; per image: manifest, config and layers
        await AssertSameBlobsAsync(layout, store, blobs);
        // The builder writes only what the image references, so the walk must have found every file.
        Assert.Equal(layout.BlobDigests(), blobs.Select(b => b.Digest.ToString()).Order(StringComparer.Ordinal));
        Assert.Equal("v1", Assert.Single(await store.ListTagsAsync()).Tag);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task A_layout_written_by_skopeo_reads_back_blob_for_blob(bool index)
    {
        var source = Build(_temp.Child("source"), index, seed: 2);
        var copied = new OciLayout(_temp.Child("copied"));
        await Skopeo.CopyAsync(source.Reference("v1"), copied.Reference("from-skopeo"), index ? ["--all"] : []);
        var store = new OciLayoutStore(copied.Directory);

        var root = await store.ResolveTagAsync("from-skopeo");

        Assert.NotNull(root);
        Assert.Equal(source.ManifestDigest("v1"), root.Digest.ToString()); // skopeo copied the image unchanged...
        var blobs = await ReachableAsync(store, root);
        await AssertSameBlobsAsync(copied, store, blobs); // ...and the store reads what skopeo wrote
        await AssertSameBlobsAsync(source, store, blobs);
        Assert.Equal(copied.BlobDigests(), blobs.Select(b => b.Digest.ToString()).Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task What_the_store_writes_skopeo_inspects_and_copies_byte_for_byte(bool index)
    {
        var source = Build(_temp.Child("source"), index, seed: 3);
        var ours = new OciLayout(_temp.Child("ours"));
        var store = new OciLayoutStore(ours.Directory);
        var root = await CopyImageAsync(new OciLayoutStore(source.Directory), store, "v1", "pulled");

        var raw = await Skopeo.InspectRawAsync(ours.Reference("pulled"));
        var inspected = await ExternalCommand.RunAsync("skopeo", ["--insecure-policy", "inspect", ours.Reference("pulled")],
            timeout: TimeSpan.FromMinutes(1));
        var again = new OciLayout(_temp.Child("again"));
        await Skopeo.CopyAsync(ours.Reference("pulled"), again.Reference("pulled"), index ? ["--all"] : []);

        Assert.Equal(source.ReadBlob(root.Digest.ToString()), raw);
        inspected.EnsureSuccess();
        Assert.Contains("\"Layers\"", inspected.StdoutText); // skopeo found and parsed the config too
        Assert.Equal(root.Digest.ToString(), again.ManifestDigest("pulled"));
        Assert.Equal(ours.BlobDigests(), again.BlobDigests());
        foreach (var digest in again.BlobDigests())
            Assert.Equal(ours.ReadBlob(digest), again.ReadBlob(digest));
        Assert.Equal(source.BlobDigests(), ours.BlobDigests());
    }

    [Fact]
    public async Task Umoci_lists_the_tags_the_store_wrote()
    {
        var source = Build(_temp.Child("source"), index: false, seed: 4);
        var ours = _temp.Child("ours");
        var store = new OciLayoutStore(ours);
        var root = await CopyImageAsync(new OciLayoutStore(source.Directory), store, "v1", "first");
        await store.SetTagAsync("second", root);

        var listed = await ExternalCommand.RunAsync("umoci", ["ls", "--layout", ours], timeout: UmociTimeout);

        var tags = listed.EnsureSuccess().StdoutText.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(["first", "second"], tags.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Tags_skopeo_adds_to_a_store_layout_sit_beside_the_stores_own()
    {
        var first = Build(_temp.Child("first"), index: false, seed: 5);
        var second = Build(_temp.Child("second"), index: true, seed: 6);
        var ours = new OciLayout(_temp.Child("ours"));
        var store = new OciLayoutStore(ours.Directory);
        var own = await CopyImageAsync(new OciLayoutStore(first.Directory), store, "v1", "own");

        await Skopeo.CopyAsync(second.Reference("v1"), ours.Reference("theirs"), "--all");
        await store.SetTagAsync("own-again", own); // a tag write after skopeo's must keep skopeo's entry

        var tags = (await store.ListTagsAsync()).ToDictionary(t => t.Tag, t => t.Manifest.Digest.ToString());
        Assert.Equal(["own", "own-again", "theirs"], tags.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(second.ManifestDigest("v1"), tags["theirs"]);
        Assert.Equal(own.Digest.ToString(), tags["own-again"]);
        Assert.Equal(second.ReadBlob(second.ManifestDigest("v1")), await Skopeo.InspectRawAsync(ours.Reference("theirs")));
        Assert.Equal(first.ReadBlob(first.ManifestDigest("v1")), await Skopeo.InspectRawAsync(ours.Reference("own-again")));
    }

    private static OciLayout Build(string directory, bool index, int seed) =>
        index
            ? OciLayoutBuilder.BuildIndex(directory, seed)
            // A big layer of a few MiB: several 1 MiB buffers per put, without making the suite slow.
            : OciLayoutBuilder.BuildImage(directory, seed, bigLayerBytes: 6 << 20);

    /// <summary>Every descriptor reachable from <paramref name="root"/>, children before their parents (the order a pull stores them).</summary>
    private static async Task<List<Descriptor>> ReachableAsync(IObjectStore store, Descriptor root)
    {
        var found = new List<Descriptor>();
        await VisitAsync(root);
        return found;

        async Task VisitAsync(Descriptor descriptor)
        {
            if (MediaTypes.IsManifest(descriptor.MediaType))
            {
                var parsed = ManifestParser.Parse(descriptor.MediaType, await ReadAsync(store, descriptor.Digest));
                foreach (var child in parsed.Manifests)
                    await VisitAsync(child);
                found.AddRange(parsed.ReferencedBlobs);
            }
            found.Add(descriptor);
        }
    }

    private static async Task<Descriptor> CopyImageAsync(IObjectStore from, IObjectStore to, string fromTag, string toTag)
    {
        var root = await from.ResolveTagAsync(fromTag) ?? throw new InvalidOperationException($"no tag {fromTag}");
        foreach (var descriptor in await ReachableAsync(from, root))
        {
            await using var content = await from.OpenReadAsync(descriptor.Digest);
            Assert.NotNull(content);
            await to.PutAsync(descriptor, content);
        }
        await to.SetTagAsync(toTag, root);
        return root;
    }

    private static async Task AssertSameBlobsAsync(OciLayout layout, IObjectStore store, IEnumerable<Descriptor> blobs)
    {
        foreach (var blob in blobs)
        {
            var expected = layout.ReadBlob(blob.Digest.ToString());
            Assert.Equal(expected.Length, blob.Size);
            Assert.Equal(expected.Length, await store.StatAsync(blob.Digest));
            Assert.Equal(expected, await ReadAsync(store, blob.Digest));
        }
    }

    private static async Task<byte[]> ReadAsync(IObjectStore store, Digest digest)
    {
        await using var stream = await store.OpenReadAsync(digest);
        Assert.NotNull(stream);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        return copy.ToArray();
    }
}
