using Npgsql;
using OrleansRegistry.Core;
using OrleansRegistry.Storage.Collection;
using OrleansRegistry.Storage.Index;
using OrleansRegistry.TestSupport;

namespace OrleansRegistry.Storage.Tests.Index;

/// <summary>
/// Manifests as rows (sql/11-storage-lifecycle.sql): a PUT writes manifest, references, referrer entry, tag and
/// repository in one transaction or nothing; a DELETE removes them together; the collector's untagged rule re-checks
/// under the row lock.
/// </summary>
public sealed class ManifestRowsTests(PostgresDatabaseFixture db) : IClassFixture<PostgresDatabaseFixture>
{
    private const string ImageType = "application/vnd.oci.image.manifest.v1+json";
    private const string IndexType = "application/vnd.oci.image.index.v1+json";

    private readonly PostgresRegistryIndex _index = new(db.DataSource);

    private static RepositoryName NewRepository(string name) => RepositoryName.Parse($"t{Guid.NewGuid():N}/{name}");

    private static Digest NewDigest() => Digest.Parse($"sha256:{Guid.NewGuid():N}{Guid.NewGuid():N}");

    [Fact]
    public async Task A_put_with_a_missing_blob_writes_nothing_and_names_what_is_missing()
    {
        var repo = NewRepository("missing");
        var (config, present, absent, manifest) = (NewDigest(), NewDigest(), NewDigest(), NewDigest());
        await CommitAndLinkAsync(repo, config, 10);
        await CommitAndLinkAsync(repo, present, 20);
        var write = Image(manifest, config, present, absent) with { Tag = Tag.Parse("v1") };

        var result = await _index.PutManifestAsync(repo, write);

        Assert.Null(result.Stored);
        Assert.Equal([absent], result.Missing);
        Assert.Null(await _index.GetManifestAsync(repo, manifest));
        Assert.Null(await _index.GetTagAsync(repo, Tag.Parse("v1")));
        Assert.Empty(await ReferencesAsync(repo, manifest));

        // A blob linked into another repository does not count.
        var other = NewRepository("other");
        await CommitAndLinkAsync(other, absent, 30);
        Assert.Equal([absent], (await _index.PutManifestAsync(repo, write)).Missing);
    }

    [Fact]
    public async Task An_image_records_its_config_and_layers_as_blob_references_with_descriptor_sizes()
    {
        var repo = NewRepository("image");
        var (config, layer1, layer2, manifest) = (NewDigest(), NewDigest(), NewDigest(), NewDigest());
        await CommitAndLinkAsync(repo, config, 10);
        await CommitAndLinkAsync(repo, layer1, 20);
        await CommitAndLinkAsync(repo, layer2, 30);

        var result = await _index.PutManifestAsync(repo, Image(manifest, config, layer1, layer2) with { Tag = Tag.Parse("latest") });

        Assert.NotNull(result.Stored);
        Assert.Equal(ImageType, result.Stored.MediaType);
        Assert.Equal(manifest, await _index.GetTagAsync(repo, Tag.Parse("latest")));
        Assert.True(await _index.RepositoryExistsAsync(repo));
        Assert.Equal(
            new[] { ("blob", config.ToString(), 10L), ("blob", layer1.ToString(), 20L), ("blob", layer2.ToString(), 30L) }.Order(),
            (await ReferencesAsync(repo, manifest)).Order());
        var row = await _index.GetManifestAsync(repo, manifest);
        Assert.Equal(Bytes(manifest), row!.Content);
        Assert.Null(row.Subject);
    }

    [Fact]
    public async Task An_index_records_its_children_and_needs_them_in_the_repository()
    {
        var repo = NewRepository("index");
        var (config, layer, child, index) = (NewDigest(), NewDigest(), NewDigest(), NewDigest());
        await CommitAndLinkAsync(repo, config, 10);
        await CommitAndLinkAsync(repo, layer, 20);
        var write = new ManifestWrite(index, IndexType, Bytes(index),
            [new ManifestReference(ManifestReference.Manifest, child, 500)], null, null, null);

        Assert.Equal([child], (await _index.PutManifestAsync(repo, write)).Missing);
        Assert.NotNull((await _index.PutManifestAsync(repo, Image(child, config, layer))).Stored);
        Assert.NotNull((await _index.PutManifestAsync(repo, write)).Stored);

        Assert.Equal([("manifest", child.ToString(), 500L)], await ReferencesAsync(repo, index));
    }

    [Fact]
    public async Task An_artifact_with_a_subject_records_blobs_subject_and_its_referrer_entry_even_before_the_subject()
    {
        var repo = NewRepository("artifact");
        var (blob, subject, artifact) = (NewDigest(), NewDigest(), NewDigest());
        await CommitAndLinkAsync(repo, blob, 40);
        var referrer = new ReferrerRecord(artifact, ImageType, 321, "application/vnd.example.sbom", null);
        var write = new ManifestWrite(artifact, ImageType, Bytes(artifact),
            [new ManifestReference(ManifestReference.Blob, blob, 40), new ManifestReference(ManifestReference.Subject, subject, 999)],
            referrer, subject, null);

        var result = await _index.PutManifestAsync(repo, write);

        Assert.Equal(subject, result.Stored!.Subject);
        Assert.Equal(new[] { ("blob", blob.ToString(), 40L), ("subject", subject.ToString(), 999L) }.Order(), (await ReferencesAsync(repo, artifact)).Order());
        Assert.Equal([artifact], (await _index.ListReferrersAsync(repo, subject, null)).Select(r => r.Digest));
    }

    [Fact]
    public async Task A_schema1_layer_without_a_size_takes_the_size_of_its_link()
    {
        var repo = NewRepository("schema1");
        var (layer, manifest) = (NewDigest(), NewDigest());
        await CommitAndLinkAsync(repo, layer, 77);
        var write = new ManifestWrite(manifest, "application/vnd.docker.distribution.manifest.v1+prettyjws", Bytes(manifest),
            [new ManifestReference(ManifestReference.Blob, layer, 0)], null, null, null);

        Assert.NotNull((await _index.PutManifestAsync(repo, write)).Stored);

        Assert.Equal([("blob", layer.ToString(), 77L)], await ReferencesAsync(repo, manifest));
    }

    [Fact]
    public async Task Pushing_the_same_digest_and_type_again_keeps_the_stored_bytes()
    {
        var repo = NewRepository("again");
        var manifest = NewDigest();
        var first = new ManifestWrite(manifest, ImageType, "first"u8.ToArray(), [], null, null, null);

        await _index.PutManifestAsync(repo, first);
        var again = await _index.PutManifestAsync(repo, first with { Content = "second"u8.ToArray(), Tag = Tag.Parse("t") });

        Assert.Equal("first"u8.ToArray(), again.Stored!.Content);
        Assert.Equal(manifest, await _index.GetTagAsync(repo, Tag.Parse("t")));
    }

    [Fact]
    public async Task Delete_removes_manifest_references_referrer_entry_and_tags_together()
    {
        var repo = NewRepository("delete");
        var (blob, subject, artifact, unrelated) = (NewDigest(), NewDigest(), NewDigest(), NewDigest());
        await CommitAndLinkAsync(repo, blob, 40);
        await _index.PutManifestAsync(repo, new ManifestWrite(artifact, ImageType, Bytes(artifact),
            [new ManifestReference(ManifestReference.Blob, blob, 40), new ManifestReference(ManifestReference.Subject, subject, 1)],
            new ReferrerRecord(artifact, ImageType, 10, null, null), subject, Tag.Parse("b")));
        await _index.PutTagAsync(repo, Tag.Parse("a"), artifact);
        await _index.PutManifestAsync(repo, new ManifestWrite(unrelated, ImageType, Bytes(unrelated), [], null, null, Tag.Parse("keep")));

        Assert.Equal([Tag.Parse("a"), Tag.Parse("b")], await _index.DeleteManifestAsync(repo, artifact));

        Assert.Null(await _index.GetManifestAsync(repo, artifact));
        Assert.Empty(await ReferencesAsync(repo, artifact));
        Assert.Empty(await _index.ListReferrersAsync(repo, subject, null));
        Assert.Equal([Tag.Parse("keep")], await _index.ListTagsAsync(repo, null, 10));
        Assert.Equal(40L, await _index.GetBlobLinkAsync(repo, blob)); // links are the collector's business
        Assert.Null(await _index.DeleteManifestAsync(repo, artifact));
    }

    [Fact]
    public async Task A_delete_that_fails_halfway_leaves_manifest_and_tags_as_they_were()
    {
        var repo = NewRepository("atomic");
        var manifest = NewDigest();
        await _index.PutManifestAsync(repo, new ManifestWrite(manifest, ImageType, Bytes(manifest), [], null, null, Tag.Parse("doomed")));
        await ExecuteAsync($"""
            CREATE FUNCTION refuse_tag_delete() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION 'refused by the test'; END $$;
            CREATE TRIGGER refuse_tag_delete BEFORE DELETE ON tags FOR EACH ROW
                WHEN (OLD.repository = '{repo}') EXECUTE FUNCTION refuse_tag_delete();
            """);
        try
        {
            var failure = await Assert.ThrowsAsync<PostgresException>(() => _index.DeleteManifestAsync(repo, manifest));
            Assert.Contains("refused by the test", failure.MessageText);

            Assert.NotNull(await _index.GetManifestAsync(repo, manifest));
            Assert.Equal(manifest, await _index.GetTagAsync(repo, Tag.Parse("doomed")));
        }
        finally
        {
            await ExecuteAsync("DROP TRIGGER refuse_tag_delete ON tags; DROP FUNCTION refuse_tag_delete();");
        }
    }

    [Fact]
    public async Task Delete_unreferenced_keeps_what_is_tagged_young_a_child_or_a_referrer_of_a_present_subject()
    {
        var repo = NewRepository("unreferenced");
        var (tagged, child, index, referrer, orphanReferrer, loose) = (NewDigest(), NewDigest(), NewDigest(), NewDigest(), NewDigest(), NewDigest());
        var absentSubject = NewDigest();
        await PutEmptyAsync(repo, tagged, tag: Tag.Parse("v1"));
        await PutEmptyAsync(repo, child);
        await _index.PutManifestAsync(repo, new ManifestWrite(index, IndexType, Bytes(index),
            [new ManifestReference(ManifestReference.Manifest, child, 1)], null, null, Tag.Parse("idx")));
        await PutEmptyAsync(repo, referrer, subject: child);
        await PutEmptyAsync(repo, orphanReferrer, subject: absentSubject);
        await PutEmptyAsync(repo, loose);
        var later = DateTimeOffset.UtcNow.AddMinutes(1);

        Assert.False(await _index.DeleteUnreferencedManifestAsync(repo, loose, DateTimeOffset.UtcNow.AddHours(-1))); // too young
        Assert.False(await _index.DeleteUnreferencedManifestAsync(repo, tagged, later));
        Assert.False(await _index.DeleteUnreferencedManifestAsync(repo, child, later));
        Assert.False(await _index.DeleteUnreferencedManifestAsync(repo, referrer, later));
        Assert.True(await _index.DeleteUnreferencedManifestAsync(repo, orphanReferrer, later));
        Assert.True(await _index.DeleteUnreferencedManifestAsync(repo, loose, later));
        Assert.False(await _index.DeleteUnreferencedManifestAsync(repo, loose, later)); // gone already

        Assert.Null(await _index.GetManifestAsync(repo, loose));
        Assert.Empty(await _index.ListReferrersAsync(repo, absentSubject, null));
        Assert.Equal([referrer], (await _index.ListReferrersAsync(repo, child, null)).Select(r => r.Digest));
        Assert.NotNull(await _index.GetManifestAsync(repo, child));
    }

    [Fact]
    public async Task A_put_racing_a_collector_that_removes_a_link_fails_with_the_blob_missing()
    {
        var repo = NewRepository("race");
        var (layer, manifest) = (NewDigest(), NewDigest());
        await CommitAndLinkAsync(repo, layer, 5);

        // The collector's first transaction (design B): link rows locked FOR UPDATE, then deleted.
        await using var collector = await db.DataSource.OpenConnectionAsync();
        await using var sweep = await collector.BeginTransactionAsync();
        await using (var lockLinks = new NpgsqlCommand(
            $"SELECT 1 FROM blob_links WHERE digest = '{layer}' FOR UPDATE", collector, sweep))
            await lockLinks.ExecuteNonQueryAsync();

        var put = _index.PutManifestAsync(repo, new ManifestWrite(manifest, ImageType, Bytes(manifest),
            [new ManifestReference(ManifestReference.Blob, layer, 5)], null, null, Tag.Parse("v1")));
        await PostgresLockWaits.WaitUntilBlockedAsync(db.DataSource);
        await using (var delete = new NpgsqlCommand($"DELETE FROM blob_links WHERE digest = '{layer}'", collector, sweep))
            await delete.ExecuteNonQueryAsync();
        await sweep.CommitAsync();

        var result = await put;
        Assert.Equal([layer], result.Missing);
        Assert.Null(await _index.GetManifestAsync(repo, manifest));
        Assert.Null(await _index.GetTagAsync(repo, Tag.Parse("v1")));
    }

    [Fact]
    public async Task Delete_unreferenced_waits_for_an_index_put_holding_the_child_and_then_keeps_it()
    {
        var repo = NewRepository("unreferenced-race");
        var (child, index) = (NewDigest(), NewDigest());
        await PutEmptyAsync(repo, child);

        // An index PUT in flight (PutManifestAsync's transaction): the child's row held FOR SHARE, its reference written.
        await using var pusher = await db.DataSource.OpenConnectionAsync();
        await using var push = await pusher.BeginTransactionAsync();
        await using (var hold = new NpgsqlCommand($"""
            SELECT 1 FROM manifests WHERE repository = '{repo}' AND digest = '{child}' FOR SHARE;
            INSERT INTO manifests (repository, digest, media_type, content) VALUES ('{repo}', '{index}', '{IndexType}', '\x7b7d');
            INSERT INTO manifest_references (repository, manifest, digest, kind, size) VALUES ('{repo}', '{index}', '{child}', 'manifest', 1);
            """, pusher, push))
            await hold.ExecuteNonQueryAsync();

        var delete = _index.DeleteUnreferencedManifestAsync(repo, child, DateTimeOffset.UtcNow.AddMinutes(1));
        await PostgresLockWaits.WaitUntilBlockedAsync(db.DataSource);
        await push.CommitAsync();

        Assert.False(await delete);
        Assert.NotNull(await _index.GetManifestAsync(repo, child));
    }

    [Fact] // DeleteNotPulledFor: tagged or not, by the last pull (never pulled: creation; a tag moved onto it: that move)
    public async Task Delete_not_pulled_deletes_with_its_tags_and_keeps_the_pulled_the_retagged_a_child_and_a_referrer()
    {
        var repo = NewRepository("not-pulled");
        var (tagged, pulled, retagged, child, index, referrer) = (NewDigest(), NewDigest(), NewDigest(), NewDigest(), NewDigest(), NewDigest());
        await PutEmptyAsync(repo, tagged, tag: Tag.Parse("v1"));
        await _index.PutTagAsync(repo, Tag.Parse("v1-alias"), tagged);
        await PutEmptyAsync(repo, pulled, tag: Tag.Parse("v2"));
        await PutEmptyAsync(repo, retagged);
        await PutEmptyAsync(repo, child);
        await _index.PutManifestAsync(repo, new ManifestWrite(index, IndexType, Bytes(index),
            [new ManifestReference(ManifestReference.Manifest, child, 1)], null, null, null));
        await PutEmptyAsync(repo, referrer, subject: index);
        // Everything pushed a day ago; then one pulled and one tagged again now.
        await ExecuteAsync($"UPDATE manifests SET created_at = now() - interval '1 day' WHERE repository = '{repo}'");
        await ExecuteAsync($"UPDATE tags SET updated_at = now() - interval '1 day' WHERE repository = '{repo}'");
        await new PostgresPullTimes(db.DataSource).RecordAsync(
            [new ManifestPull(repo, pulled, DateTimeOffset.UtcNow)], []);
        await _index.PutTagAsync(repo, Tag.Parse("new"), retagged);
        var cutoff = DateTimeOffset.UtcNow.AddHours(-1);

        Assert.Null(await _index.DeleteNotPulledManifestAsync(repo, pulled, cutoff));
        Assert.Null(await _index.DeleteNotPulledManifestAsync(repo, retagged, cutoff));
        Assert.Null(await _index.DeleteNotPulledManifestAsync(repo, child, cutoff)); // its index is there
        Assert.Null(await _index.DeleteNotPulledManifestAsync(repo, referrer, cutoff)); // its subject is there
        Assert.Null(await _index.DeleteNotPulledManifestAsync(repo, tagged, DateTimeOffset.UtcNow.AddDays(-2))); // pushed since
        Assert.Equal(["v1", "v1-alias"], (await _index.DeleteNotPulledManifestAsync(repo, tagged, cutoff))!.Select(t => t.Value).Order());
        Assert.NotNull(await _index.DeleteNotPulledManifestAsync(repo, index, cutoff));
        Assert.NotNull(await _index.DeleteNotPulledManifestAsync(repo, child, cutoff)); // after its index
        Assert.Null(await _index.DeleteNotPulledManifestAsync(repo, tagged, cutoff)); // gone already

        Assert.Null(await _index.GetTagAsync(repo, Tag.Parse("v1")));
        Assert.Equal(pulled, await _index.GetTagAsync(repo, Tag.Parse("v2")));
        Assert.NotNull(await _index.GetManifestAsync(repo, retagged));
    }

    [Fact] // the re-check under the row lock: a pull written between the listing and the delete saves the manifest
    public async Task Delete_not_pulled_waits_for_a_pull_time_being_written_and_then_keeps_the_manifest()
    {
        var repo = NewRepository("not-pulled-race");
        var manifest = NewDigest();
        await PutEmptyAsync(repo, manifest, tag: Tag.Parse("v1"));
        var cutoff = DateTimeOffset.UtcNow.AddMinutes(1);

        // A flush in flight: the row locked by its UPDATE, the new time not committed yet.
        await using var flusher = await db.DataSource.OpenConnectionAsync();
        await using var flush = await flusher.BeginTransactionAsync();
        await using (var write = new NpgsqlCommand(
            $"UPDATE manifests SET last_pulled_at = now() + interval '2 minutes' WHERE repository = '{repo}' AND digest = '{manifest}'",
            flusher, flush))
            await write.ExecuteNonQueryAsync();

        var delete = _index.DeleteNotPulledManifestAsync(repo, manifest, cutoff);
        await PostgresLockWaits.WaitUntilBlockedAsync(db.DataSource);
        await flush.CommitAsync();

        Assert.Null(await delete);
        Assert.Equal(manifest, await _index.GetTagAsync(repo, Tag.Parse("v1")));
    }

    private static ManifestWrite Image(Digest digest, Digest config, params Digest[] layers) => new(
        digest, ImageType, Bytes(digest),
        [new ManifestReference(ManifestReference.Blob, config, 10),
         .. layers.Select((l, i) => new ManifestReference(ManifestReference.Blob, l, 20 + 10 * i))],
        null, null, null);

    private Task PutEmptyAsync(RepositoryName repo, Digest digest, Tag? tag = null, Digest? subject = null) =>
        _index.PutManifestAsync(repo, new ManifestWrite(digest, ImageType, Bytes(digest),
            subject is not { } s ? [] : [new ManifestReference(ManifestReference.Subject, s, 1)],
            subject is null ? null : new ReferrerRecord(digest, ImageType, 1, null, null), subject, tag));

    private static byte[] Bytes(Digest digest) => System.Text.Encoding.UTF8.GetBytes($"{{\"for\":\"{digest}\"}}");

    private async Task CommitAndLinkAsync(RepositoryName repo, Digest digest, long size)
    {
        await _index.CommitBlobAsync(digest, size, _ => Task.CompletedTask);
        Assert.True(await _index.LinkBlobAsync(repo, digest, size));
    }

    private Task<List<(string Kind, string Digest, long Size)>> ReferencesAsync(RepositoryName repo, Digest manifest) =>
        PostgresSql.ManifestReferencesAsync(db.ConnectionString, repo.Value, manifest.ToString());

    private Task ExecuteAsync(string sql) => PostgresSql.ExecuteAsync(db.ConnectionString, sql);
}
