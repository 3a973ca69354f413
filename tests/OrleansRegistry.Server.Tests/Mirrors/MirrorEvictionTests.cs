using OrleansRegistry.Server.Tests.Collection;
using OrleansRegistry.Server.Tests.Infrastructure;
using OrleansRegistry.Server.Tests.Interop;
using OrleansRegistry.TestSupport.Mirrors;

namespace OrleansRegistry.Server.Tests.Mirrors;

/// <summary>
/// Eviction of a mirror's cache by pulls, end to end with skopeo and CNCF distribution 2.8.2 as the upstream: a manifest
/// not pulled for <c>DeleteNotPulledFor</c> is deleted by the collector with the blobs only it referenced, a layer a
/// manifest of another repository references stays, and the evicted image pulled again is fetched anew: its own blobs
/// from the upstream, the layer still cached linked without a second download.
/// </summary>
public sealed class MirrorEvictionTests(EvictingMirrorFixture fixture) : IClassFixture<EvictingMirrorFixture>
{
    private const int SharedLayerBytes = 1 << 20;
    private const int OwnLayerBytes = 100_000;
    private static readonly TimeSpan LongAgo = 2 * EvictingMirrorFixture.NotPulledFor;

    private string ConnectionString => fixture.Mirror.ConnectionString;

    [Fact] // a manifest not pulled for the rule's age goes with its own blobs, a shared layer stays while a manifest references it, and the image comes back from the upstream without the shared layer fetched again
    public async Task An_image_not_pulled_is_evicted_and_fetched_again_while_the_layer_it_shares_stays_cached()
    {
        using var scratch = new TempDirectory();
        var (imageA, imageB) = BuildImagesSharingALayer(scratch);
        var (upstreamA, upstreamB) = (TestImages.UniqueRepo("library/evict-a"), TestImages.UniqueRepo("library/evict-b"));
        await Skopeo.CopyAsync(imageA.Reference("v1"), $"docker://{fixture.Upstream.HostPort}/{upstreamA}:v1");
        await Skopeo.CopyAsync(imageB.Reference("v1"), $"docker://{fixture.Upstream.HostPort}/{upstreamB}:v1");
        var (localA, localB) = (MirrorFixture.Local(upstreamA), MirrorFixture.Local(upstreamB));
        var (digestA, digestB) = (imageA.ManifestDigest("v1"), imageB.ManifestDigest("v1"));
        var blobsA = imageA.BlobDigests().Where(d => d != digestA).ToList();
        var blobsB = imageB.BlobDigests().Where(d => d != digestB).ToList();
        var shared = Assert.Single(blobsA.Intersect(blobsB));
        var ownA = blobsA.Where(d => d != shared).Order(StringComparer.Ordinal).ToList();
        var ownB = blobsB.Where(d => d != shared).ToList();

        // Both images pulled through the mirror: every blob fetched from the upstream once (B's copy of the shared
        // layer is the one A's pull brought, confirmed by a HEAD).
        LayoutAssert.SameContent(imageA, await PullAsync(localA, scratch.Child("pulled-a")));
        LayoutAssert.SameContent(imageB, await PullAsync(localB, scratch.Child("pulled-b")));
        await fixture.Upstream.SettleAsync();
        Assert.All(blobsA.Union(blobsB), d => Assert.Equal(1, fixture.Upstream.BlobGets(d)));

        // A was last pulled long ago (its creation and tag too), B just now.
        await WaitForPullTimesAsync((localA, digestA), (localB, digestB));
        await AgeAsync(localA, digestA);

        var report = await CollectionApi.CollectAsync(fixture.Mirror.Client);

        Assert.Equal([$"{localA}@{digestA}"], report.Manifests);
        Assert.Equal(ownA, report.Blobs.Order(StringComparer.Ordinal));
        Assert.Equal(0L, await MirrorRequests.CountAsync(ConnectionString, "manifests WHERE repository = @r", localA));
        Assert.Equal(1L, await MirrorRequests.CountAsync(ConnectionString, "manifests WHERE repository = @r", localB));
        Assert.All(ownA, d => Assert.False(CollectionApi.StoreHolds(fixture.Mirror.DataDirectory, d), $"{d} is still stored"));
        Assert.All(ownB.Append(shared), d => Assert.True(CollectionApi.StoreHolds(fixture.Mirror.DataDirectory, d), $"{d} is gone"));

        // Pulled again at once (a fetch activation from the first pull may still be there): the upstream's bytes again,
        // A's own blobs fetched a second time, the shared layer and B's not at all.
        LayoutAssert.SameContent(imageA, await PullAsync(localA, scratch.Child("pulled-a-again")));
        await fixture.Upstream.SettleAsync();
        Assert.All(ownA, d => Assert.Equal(2, fixture.Upstream.BlobGets(d)));
        Assert.All(ownB.Append(shared), d => Assert.Equal(1, fixture.Upstream.BlobGets(d)));
        Assert.All(blobsA, d => Assert.True(CollectionApi.StoreHolds(fixture.Mirror.DataDirectory, d), $"{d} is not stored again"));
    }

    [Fact] // a blob collected after a fetch linked it to a second repository is fetched again at the next pull, never linked as still there
    public async Task A_blob_collected_after_its_fetch_linked_it_is_fetched_again_when_pulled_again()
    {
        using var scratch = new TempDirectory();
        var image = Build(scratch, "image", seed: 7201, sharedSeed: 7200);
        var upstreams = new[] { TestImages.UniqueRepo("library/evict-first"), TestImages.UniqueRepo("library/evict-second") };
        foreach (var upstream in upstreams)
            await Skopeo.CopyAsync(image.Reference("v1"), $"docker://{fixture.Upstream.HostPort}/{upstream}:v1");
        var locals = upstreams.Select(MirrorFixture.Local).ToList();
        var digest = image.ManifestDigest("v1");
        var blobs = image.BlobDigests().Where(d => d != digest).Order(StringComparer.Ordinal).ToList();
        // The second repository's blobs are the first's, linked once the upstream's HEAD confirmed them: the fetches
        // that linked them saw them committed.
        for (var i = 0; i < locals.Count; i++) LayoutAssert.SameContent(image, await PullAsync(locals[i], scratch.Child($"pulled-{i}")));
        await WaitForPullTimesAsync(locals.Select(l => (l, digest)).ToArray());
        foreach (var local in locals) await AgeAsync(local, digest);

        var report = await CollectionApi.CollectAsync(fixture.Mirror.Client);

        Assert.Equal(locals.Select(l => $"{l}@{digest}").Order(StringComparer.Ordinal), report.Manifests.Order(StringComparer.Ordinal));
        Assert.Equal(blobs, report.Blobs.Order(StringComparer.Ordinal));
        Assert.All(blobs, d => Assert.False(CollectionApi.StoreHolds(fixture.Mirror.DataDirectory, d), $"{d} is still stored"));

        LayoutAssert.SameContent(image, await PullAsync(locals[1], scratch.Child("pulled-again")));
        await fixture.Upstream.SettleAsync();
        Assert.All(blobs, d => Assert.Equal(2, fixture.Upstream.BlobGets(d)));
    }

    /// <summary>Waits (bounded) until the silo's flush has written a pull time for each manifest.</summary>
    private async Task WaitForPullTimesAsync(params (string Repository, string Digest)[] manifests)
    {
        await Eventually.TrueAsync(async () =>
            {
                foreach (var (repository, digest) in manifests)
                    if (await CollectionApi.PulledAtAsync(ConnectionString, repository, digest) is null) return false;
                return true;
            },
            TimeSpan.FromSeconds(10), "the pulls written by the silo's flush");
        // A later GET of the same manifest may still be in the next batch (and, kept to the second, looks the same once
        // written): it lands before the test ages the row, or it would move the aged time forward again.
        await Task.Delay(TimeSpan.FromSeconds(1.5));
    }

    /// <summary>Makes the manifest look last used long ago: its creation, its tag <c>v1</c> and its last pull.</summary>
    private async Task AgeAsync(string repository, string digest)
    {
        await CollectionApi.AgeManifestAsync(ConnectionString, repository, digest, LongAgo);
        await CollectionApi.AgeTagAsync(ConnectionString, repository, "v1", LongAgo);
        await CollectionApi.AgePullAsync(ConnectionString, repository, digest, LongAgo);
    }

    /// <summary>Two single-image layouts whose images share their biggest layer and differ in their own small one.</summary>
    private static (OciLayout A, OciLayout B) BuildImagesSharingALayer(TempDirectory scratch) =>
        (Build(scratch, "a", seed: 7101, sharedSeed: 7100), Build(scratch, "b", seed: 7102, sharedSeed: 7100));

    /// <summary>A single-image layout: a big layer made from <paramref name="sharedSeed"/> and a small one of its own.</summary>
    private static OciLayout Build(TempDirectory scratch, string name, int seed, int sharedSeed)
    {
        var builder = new OciLayoutBuilder(scratch.Child(name));
        builder.Tag(builder.AddImage(seed, [builder.AddLayer(SharedLayerBytes, sharedSeed), builder.AddLayer(OwnLayerBytes, seed)]), "v1");
        builder.Save();
        return builder.Layout;
    }

    private async Task<OciLayout> PullAsync(string local, string directory)
    {
        var pulled = new OciLayout(directory);
        await Skopeo.CopyAsync($"docker://{fixture.MirrorHost}/{local}:v1", pulled.Reference("v1"));
        return pulled;
    }
}
