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
        await Eventually.TrueAsync(async () => await CollectionApi.PulledAtAsync(ConnectionString, localA, digestA) is not null
                && await CollectionApi.PulledAtAsync(ConnectionString, localB, digestB) is not null,
            TimeSpan.FromSeconds(10), "the pulls written by the silo's flush");
        // Pull times are kept to the second: a second manifest GET of the same second may be in a later batch, which
        // would move the aged time forward again.
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        await CollectionApi.AgeManifestAsync(ConnectionString, localA, digestA, LongAgo);
        await CollectionApi.AgeTagAsync(ConnectionString, localA, "v1", LongAgo);
        await CollectionApi.AgePullAsync(ConnectionString, localA, digestA, LongAgo);

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

    /// <summary>Two single-image layouts whose images share their biggest layer and differ in their own small one.</summary>
    private static (OciLayout A, OciLayout B) BuildImagesSharingALayer(TempDirectory scratch)
    {
        OciLayout Build(string name, int seed)
        {
            var builder = new OciLayoutBuilder(scratch.Child(name));
            builder.Tag(builder.AddImage(seed, [builder.AddLayer(SharedLayerBytes, seed: 7100), builder.AddLayer(OwnLayerBytes, seed)]), "v1");
            builder.Save();
            return builder.Layout;
        }

        return (Build("a", 7101), Build("b", 7102));
    }

    private async Task<OciLayout> PullAsync(string local, string directory)
    {
        var pulled = new OciLayout(directory);
        await Skopeo.CopyAsync($"docker://{fixture.MirrorHost}/{local}:v1", pulled.Reference("v1"));
        return pulled;
    }
}
