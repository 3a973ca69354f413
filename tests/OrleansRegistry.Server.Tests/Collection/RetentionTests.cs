using System.Net;
using OrleansRegistry.Server.Tests.Infrastructure;

namespace OrleansRegistry.Server.Tests.Collection;

/// <summary>
/// Retention rules per repository pattern, applied by the collector, dry run first (docs/garbage-collection.md). Ages are set in
/// the tables (tags.updated_at, manifests.created_at) rather than waited for. Rules: CollectingRegistryFixture.
/// </summary>
[Collection(CollectingRegistryCollection.Name)]
public sealed class RetentionTests(CollectingRegistryFixture fixture)
{
    private static readonly TimeSpan TwoDays = TimeSpan.FromDays(2);
    private HttpClient Client => fixture.Client;

    [Fact] // keep the newest N tags
    public async Task Keep_newest_tags_deletes_the_older_tags_and_keeps_their_manifests()
    {
        var repo = TestImages.UniqueRepo("gc-keep");
        var digests = await PushTagsAsync(repo, ["t1", "t2", "t3", "t4"], seed: 900);

        var report = await CollectionApi.CollectAsync(Client);

        Assert.Equal(["t3", "t4"], await CollectionApi.TagsAsync(Client, repo));
        Assert.Contains($"{repo}:t1", report.Tags);
        Assert.Contains($"{repo}:t2", report.Tags);
        // No DeleteUntaggedOlderThan here: the manifests stay, untagged, and so do their blobs.
        Assert.Equal(HttpStatusCode.OK, await CollectionApi.ManifestStatusAsync(Client, repo, digests["t1"]));
        Assert.Equal(HttpStatusCode.NotFound, await CollectionApi.ManifestStatusAsync(Client, repo, "t1"));
    }

    [Fact] // delete tags older than D
    public async Task Delete_tags_older_than_deletes_only_the_old_tags()
    {
        var repo = TestImages.UniqueRepo("gc-old");
        await PushTagsAsync(repo, ["old", "new"], seed: 910);
        await CollectionApi.AgeTagAsync(fixture.ConnectionString, repo, "old", TwoDays);

        var report = await CollectionApi.CollectAsync(Client);

        Assert.Equal(["new"], await CollectionApi.TagsAsync(Client, repo));
        Assert.Contains($"{repo}:old", report.Tags);
    }

    [Fact] // both tag rules on one pattern: old tags go, but never the newest N (docs/garbage-collection.md)
    public async Task With_both_tag_rules_the_newest_tags_are_kept_however_old()
    {
        var repo = TestImages.UniqueRepo("gc-both");
        await PushTagsAsync(repo, ["a", "b", "c"], seed: 920);
        await CollectionApi.AgeTagAsync(fixture.ConnectionString, repo, "a", TimeSpan.FromDays(5));
        await CollectionApi.AgeTagAsync(fixture.ConnectionString, repo, "b", TimeSpan.FromDays(4));
        await CollectionApi.AgeTagAsync(fixture.ConnectionString, repo, "c", TimeSpan.FromDays(3));

        await CollectionApi.CollectAsync(Client);

        Assert.Equal(["c"], await CollectionApi.TagsAsync(Client, repo)); // older than a day, but the newest
    }

    [Fact] // untagged manifests are collected only where a rule says so, and a referrer is kept while its subject exists
    public async Task Delete_untagged_collects_old_untagged_manifests_an_index_with_its_children_and_keeps_referrers_of_a_subject()
    {
        var repo = TestImages.UniqueRepo("gc-untagged");
        var (old, oldDigest) = await PushByDigestAsync(repo, 930);
        var (_, freshDigest) = await PushByDigestAsync(repo, 932);
        var (tagged, taggedDigest) = await PushByDigestAsync(repo, 934);
        await TestImages.PushManifestAsync(Client, repo, "kept", tagged);
        var (child, childDigest) = await PushByDigestAsync(repo, 936);
        var index = TestImages.ImageIndex([(child, TestImages.OciManifest)]);
        var indexDigest = await TestImages.PushManifestAsync(Client, repo, TestImages.Digest(index), index, TestImages.OciIndex);
        var signatureConfig = TestImages.EmptyJson();
        await TestImages.PushBlobAsync(Client, repo, signatureConfig);
        var signature = TestImages.ImageManifest(signatureConfig, [], subjectDigest: taggedDigest, subjectSize: tagged.Length,
            artifactType: "application/vnd.example.signature", configMediaType: TestImages.OciEmpty);
        var signatureDigest = await TestImages.PushManifestAsync(Client, repo, TestImages.Digest(signature), signature);
        foreach (var digest in new[] { oldDigest, taggedDigest, childDigest, indexDigest, signatureDigest })
            await CollectionApi.AgeManifestAsync(fixture.ConnectionString, repo, digest, TwoDays);
        // The same old untagged manifest where no rule asks for untagged collection stays.
        var elsewhere = TestImages.UniqueRepo("gc-norule");
        var (_, elsewhereDigest) = await PushByDigestAsync(elsewhere, 938);
        await CollectionApi.AgeManifestAsync(fixture.ConnectionString, elsewhere, elsewhereDigest, TwoDays);

        var dry = await CollectionApi.CollectAsync(Client, dryRun: true);
        var report = await CollectionApi.CollectAsync(Client);

        string[] gone = [oldDigest, indexDigest, childDigest];
        string[] kept = [freshDigest, taggedDigest, signatureDigest];
        foreach (var digest in gone)
        {
            Assert.Contains($"{repo}@{digest}", dry.Manifests);
            Assert.Contains($"{repo}@{digest}", report.Manifests);
            Assert.Equal(HttpStatusCode.NotFound, await CollectionApi.ManifestStatusAsync(Client, repo, digest));
        }
        foreach (var digest in kept)
        {
            Assert.DoesNotContain($"{repo}@{digest}", dry.Manifests);
            Assert.DoesNotContain($"{repo}@{digest}", report.Manifests);
            Assert.Equal(HttpStatusCode.OK, await CollectionApi.ManifestStatusAsync(Client, repo, digest));
        }
        Assert.Equal(HttpStatusCode.OK, await CollectionApi.ManifestStatusAsync(Client, elsewhere, elsewhereDigest));
        // The blobs of the deleted manifests went in the same run (no grace period here), and the dry run saw them coming.
        var oldConfig = TestImages.Digest(CollectionApi.Config(930));
        Assert.Contains(oldConfig, dry.Blobs);
        Assert.Contains(oldConfig, report.Blobs);
        Assert.False(CollectionApi.StoreHolds(fixture.DataDirectory, oldConfig));
    }

    [Fact] // rules match per repository pattern, first match wins; a dry run changes nothing
    public async Task The_first_matching_rule_applies_and_a_dry_run_deletes_no_tag()
    {
        var untouched = TestImages.UniqueRepo(CollectingRegistryFixture.Untouched);
        var cleared = TestImages.UniqueRepo("gc-first/cleared");
        await PushTagsAsync(untouched, ["x"], seed: 940);
        await PushTagsAsync(cleared, ["x"], seed: 942);

        var dry = await CollectionApi.CollectAsync(Client, dryRun: true);
        Assert.Contains($"{cleared}:x", dry.Tags);
        Assert.Equal(["x"], await CollectionApi.TagsAsync(Client, cleared));

        var report = await CollectionApi.CollectAsync(Client);

        Assert.Contains($"{cleared}:x", report.Tags);
        Assert.DoesNotContain($"{untouched}:x", report.Tags);
        Assert.Equal(["x"], await CollectionApi.TagsAsync(Client, untouched));
        Assert.Empty(await CollectionApi.TagsAsync(Client, cleared));
    }

    [Fact] // not pulled for DeleteNotPulledFor: gone with its tag; a layer shared with a pulled image stays; a child stays with its index
    public async Task Delete_not_pulled_collects_a_tagged_image_pulled_long_ago_and_keeps_the_pulled_image_its_shared_layer_and_an_index_child()
    {
        var pulled = TestImages.UniqueRepo("gc-notpulled");
        var idle = TestImages.UniqueRepo("gc-notpulled");
        var shared = TestImages.RandomBytes(700, 960);
        var (pulledConfig, idleConfig, childConfig) = (CollectionApi.Config(961), CollectionApi.Config(962), CollectionApi.Config(963));
        foreach (var (repo, config) in new[] { (pulled, pulledConfig), (idle, idleConfig), (pulled, childConfig) })
        {
            await TestImages.PushBlobAsync(Client, repo, config);
            await TestImages.PushBlobAsync(Client, repo, shared);
        }
        var pulledDigest = await TestImages.PushManifestAsync(Client, pulled, "v1", TestImages.ImageManifest(pulledConfig, [shared]));
        var idleDigest = await TestImages.PushManifestAsync(Client, idle, "v1", TestImages.ImageManifest(idleConfig, [shared]));
        var child = TestImages.ImageManifest(childConfig, [shared]);
        var childDigest = await TestImages.PushManifestAsync(Client, pulled, TestImages.Digest(child), child);
        var indexDigest = await TestImages.PushManifestAsync(Client, pulled, "multi",
            TestImages.ImageIndex([(child, TestImages.OciManifest)]), TestImages.OciIndex);
        (string Repo, string Digest)[] manifests = [(pulled, pulledDigest), (pulled, childDigest), (pulled, indexDigest), (idle, idleDigest)];
        foreach (var (repo, digest) in manifests) await CollectionApi.AgeManifestAsync(fixture.ConnectionString, repo, digest, TwoDays);
        foreach (var (repo, tag) in new[] { (pulled, "v1"), (pulled, "multi"), (idle, "v1") })
            await CollectionApi.AgeTagAsync(fixture.ConnectionString, repo, tag, TwoDays);

        // Pulls: a manifest GET by tag, the index's HEAD; the idle image was pulled too (its tag now cached), but long ago.
        await CollectionApi.AssertPullsAsync(Client, pulled, "v1", [pulledConfig, shared]);
        using (var head = await Client.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"v2/{pulled}/manifests/multi")))
            Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal(HttpStatusCode.OK, await CollectionApi.ManifestStatusAsync(Client, idle, "v1"));
        await Eventually.TrueAsync(async () => await CollectionApi.PulledAtAsync(fixture.ConnectionString, pulled, pulledDigest) is not null
                && await CollectionApi.PulledAtAsync(fixture.ConnectionString, pulled, indexDigest) is not null
                && await CollectionApi.PulledAtAsync(fixture.ConnectionString, idle, idleDigest) is not null,
            TimeSpan.FromSeconds(10), "the pulls written by the silo's flush");
        Assert.Null(await CollectionApi.PulledAtAsync(fixture.ConnectionString, pulled, childDigest));
        await CollectionApi.AgePullAsync(fixture.ConnectionString, idle, idleDigest, TwoDays);

        var dry = await CollectionApi.CollectAsync(Client, dryRun: true);
        var report = await CollectionApi.CollectAsync(Client);

        foreach (var run in new[] { dry, report })
        {
            Assert.Contains($"{idle}@{idleDigest}", run.Manifests);
            Assert.DoesNotContain(run.Manifests, m => m.StartsWith($"{pulled}@", StringComparison.Ordinal));
            Assert.Contains(TestImages.Digest(idleConfig), run.Blobs);
            Assert.DoesNotContain(TestImages.Digest(shared), run.Blobs);
        }
        Assert.Equal(HttpStatusCode.NotFound, await CollectionApi.ManifestStatusAsync(Client, idle, "v1")); // the tag cache was told
        Assert.Equal(HttpStatusCode.NotFound, await CollectionApi.ManifestStatusAsync(Client, idle, idleDigest));
        Assert.Empty(await CollectionApi.TagsAsync(Client, idle));
        Assert.False(CollectionApi.StoreHolds(fixture.DataDirectory, TestImages.Digest(idleConfig)));
        foreach (var reference in new[] { "v1", "multi", childDigest })
            Assert.Equal(HttpStatusCode.OK, await CollectionApi.ManifestStatusAsync(Client, pulled, reference));
        await CollectionApi.AssertPullsAsync(Client, pulled, "v1", [pulledConfig, shared]);
    }

    /// <summary>Pushes one small image per tag, in order, each tag a moment later than the one before.</summary>
    private async Task<Dictionary<string, string>> PushTagsAsync(string repo, string[] tags, int seed)
    {
        var digests = new Dictionary<string, string>();
        for (var i = 0; i < tags.Length; i++)
        {
            var (manifest, digest) = await PushByDigestAsync(repo, seed + 2 * i);
            await TestImages.PushManifestAsync(Client, repo, tags[i], manifest);
            // Distinct push times, oldest first, whatever the clock's resolution.
            await CollectionApi.AgeTagAsync(fixture.ConnectionString, repo, tags[i], TimeSpan.FromMinutes(tags.Length - i));
            digests[tags[i]] = digest;
        }
        return digests;
    }

    private async Task<(byte[] Manifest, string Digest)> PushByDigestAsync(string repo, int seed)
    {
        var config = CollectionApi.Config(seed);
        var layer = TestImages.RandomBytes(600, seed + 1);
        await TestImages.PushBlobAsync(Client, repo, config);
        await TestImages.PushBlobAsync(Client, repo, layer);
        var manifest = TestImages.ImageManifest(config, [layer]);
        return (manifest, await TestImages.PushManifestAsync(Client, repo, TestImages.Digest(manifest), manifest));
    }
}
