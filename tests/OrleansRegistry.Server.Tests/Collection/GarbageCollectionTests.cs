using System.Net;
using Npgsql;
using OrleansRegistry.Server.Tests.Infrastructure;

namespace OrleansRegistry.Server.Tests.Collection;

/// <summary>
/// Online garbage collection (docs/architecture.md#garbage-collection-protocol) against the real server with no grace period: what goes, what stays,
/// and the race between a manifest PUT and the sweep.
/// </summary>
[Collection(CollectingRegistryCollection.Name)]
public sealed class GarbageCollectionTests(CollectingRegistryFixture fixture)
{
    private HttpClient Client => fixture.Client;

    [Fact] // deleting an image reclaims its unique layers and keeps the shared ones
    public async Task Deleting_an_image_reclaims_its_unique_layers_and_keeps_the_shared_ones()
    {
        var repo = TestImages.UniqueRepo("gc-images");
        var other = TestImages.UniqueRepo("gc-images");
        var shared = TestImages.RandomBytes(3000, 801);
        var (configA, uniqueA) = (CollectionApi.Config(801), TestImages.RandomBytes(1500, 802));
        var (configB, uniqueB) = (CollectionApi.Config(803), TestImages.RandomBytes(1700, 804));
        foreach (var blob in new[] { configA, uniqueA, configB, uniqueB, shared }) await TestImages.PushBlobAsync(Client, repo, blob);
        var manifestA = TestImages.ImageManifest(configA, [shared, uniqueA]);
        var manifestB = TestImages.ImageManifest(configB, [shared, uniqueB]);
        var digestA = await TestImages.PushManifestAsync(Client, repo, "a", manifestA);
        await TestImages.PushManifestAsync(Client, repo, "b", manifestB);
        // The same image A in a second repository keeps A's blobs referenced there... until it goes too.
        foreach (var blob in new[] { configA, uniqueA, shared }) await TestImages.PushBlobAsync(Client, other, blob);
        var digestOtherA = await TestImages.PushManifestAsync(Client, other, "a", manifestA);

        using (var delete = await Client.DeleteAsync($"v2/{repo}/manifests/{digestA}"))
            Assert.Equal(HttpStatusCode.Accepted, delete.StatusCode);
        var first = await CollectionApi.CollectAsync(Client);
        Assert.DoesNotContain(TestImages.Digest(uniqueA), first.Blobs); // still referenced by `other`
        Assert.True(CollectionApi.StoreHolds(fixture.DataDirectory, TestImages.Digest(uniqueA)));

        using (var delete = await Client.DeleteAsync($"v2/{other}/manifests/{digestOtherA}"))
            Assert.Equal(HttpStatusCode.Accepted, delete.StatusCode);
        var report = await CollectionApi.CollectAsync(Client);

        Assert.False(report.DryRun);
        foreach (var gone in new[] { configA, uniqueA })
        {
            var digest = TestImages.Digest(gone);
            Assert.Contains(digest, report.Blobs);
            Assert.False(CollectionApi.StoreHolds(fixture.DataDirectory, digest), $"{digest} is still in the blob store");
            Assert.False(await CollectionApi.BlobKnownAsync(Client, repo, digest));
            Assert.False(await CollectionApi.BlobKnownAsync(Client, other, digest));
        }
        Assert.True(report.BytesReclaimed >= configA.Length + uniqueA.Length);
        Assert.DoesNotContain(TestImages.Digest(shared), report.Blobs);
        Assert.DoesNotContain(TestImages.Digest(uniqueB), report.Blobs);
        Assert.True(CollectionApi.StoreHolds(fixture.DataDirectory, TestImages.Digest(shared)));
        await CollectionApi.AssertPullsAsync(Client, repo, "b", [configB, shared, uniqueB]);
    }

    [Fact] // a dry run deletes nothing
    public async Task A_dry_run_reports_what_would_go_and_deletes_nothing()
    {
        var repo = TestImages.UniqueRepo("gc-dry");
        var garbage = TestImages.RandomBytes(2500, 811);
        var digest = await TestImages.PushBlobAsync(Client, repo, garbage);

        var dry = await CollectionApi.CollectAsync(Client, dryRun: true);

        Assert.True(dry.DryRun);
        Assert.Contains(digest, dry.Blobs);
        Assert.True(dry.BytesReclaimed >= garbage.Length);
        Assert.True(CollectionApi.StoreHolds(fixture.DataDirectory, digest));
        Assert.True(await CollectionApi.BlobKnownAsync(Client, repo, digest));

        var real = await CollectionApi.CollectAsync(Client);
        Assert.Contains(digest, real.Blobs);
        Assert.False(CollectionApi.StoreHolds(fixture.DataDirectory, digest));
        Assert.False(await CollectionApi.BlobKnownAsync(Client, repo, digest));
    }

    [Fact] // the sweep waits for manifests as rows: manifests kept only in old grain state have no reference rows, so no blob may go
    public async Task The_blob_sweep_waits_until_every_manifest_is_a_row()
    {
        var repo = TestImages.UniqueRepo("gc-migrating");
        var garbage = TestImages.RandomBytes(2100, 815);
        var digest = await TestImages.PushBlobAsync(Client, repo, garbage);
        await PostgresSql.ExecuteAsync(fixture.ConnectionString, "DELETE FROM storage_migrations WHERE name = 'manifests-as-rows'");
        try
        {
            var skipped = await CollectionApi.CollectAsync(Client);

            Assert.True(skipped.BlobSweepSkipped);
            Assert.DoesNotContain(digest, skipped.Blobs);
            Assert.True(CollectionApi.StoreHolds(fixture.DataDirectory, digest));
            Assert.True(await CollectionApi.BlobKnownAsync(Client, repo, digest));
        }
        finally
        {
            await PostgresSql.ExecuteAsync(fixture.ConnectionString,
                "INSERT INTO storage_migrations (name) VALUES ('manifests-as-rows') ON CONFLICT DO NOTHING");
        }

        var swept = await CollectionApi.CollectAsync(Client);
        Assert.False(swept.BlobSweepSkipped);
        Assert.Contains(digest, swept.Blobs);
        Assert.False(CollectionApi.StoreHolds(fixture.DataDirectory, digest));
    }

    [Fact] // a manifest PUT that references a blob being swept either wins or fails with MANIFEST_BLOB_UNKNOWN
    public async Task A_manifest_put_racing_the_sweep_either_succeeds_with_every_blob_or_fails_blob_unknown()
    {
        // No grace period: every blob below is garbage until its manifest arrives, and the sweep runs while they arrive.
        var repo = TestImages.UniqueRepo("gc-race");
        var images = new List<(byte[] Config, byte[] Layer)>();
        for (var i = 0; i < 12; i++)
        {
            var image = (CollectionApi.Config(820 + i), TestImages.RandomBytes(800, 840 + i));
            await TestImages.PushBlobAsync(Client, repo, image.Item1);
            await TestImages.PushBlobAsync(Client, repo, image.Item2);
            images.Add(image);
        }

        var sweep = CollectionApi.CollectAsync(Client);
        var puts = images.Select(async (image, i) =>
        {
            using var response = await TestImages.PutManifestAsync(Client, repo, $"v{i}", TestImages.ImageManifest(image.Config, [image.Layer]));
            return (Tag: $"v{i}", image, response.StatusCode, Codes: response.IsSuccessStatusCode ? [] : await TestImages.ErrorCodesAsync(response));
        }).ToList();
        var outcomes = await Task.WhenAll(puts);
        await sweep;

        foreach (var outcome in outcomes)
        {
            if (outcome.StatusCode == HttpStatusCode.Created)
                await CollectionApi.AssertPullsAsync(Client, repo, outcome.Tag, [outcome.image.Config, outcome.image.Layer]);
            else
                Assert.True(outcome.StatusCode == HttpStatusCode.BadRequest && outcome.Codes.SequenceEqual(["MANIFEST_BLOB_UNKNOWN"]),
                    $"PUT {outcome.Tag}: {(int)outcome.StatusCode} {string.Join(",", outcome.Codes)}");
        }
        // What was accepted stays accepted: a second sweep takes none of its blobs.
        await CollectionApi.CollectAsync(Client);
        foreach (var outcome in outcomes.Where(o => o.StatusCode == HttpStatusCode.Created))
            await CollectionApi.AssertPullsAsync(Client, repo, outcome.Tag, [outcome.image.Config, outcome.image.Layer]);
    }

    [Fact] // the PUT-against-sweep race made deterministic: the sweep waits for a PUT holding the links, then skips the blob
    public async Task A_sweep_waits_for_a_transaction_holding_the_links_and_keeps_the_blob_it_then_references()
    {
        var repo = TestImages.UniqueRepo("gc-locks");
        var config = CollectionApi.Config(851);
        var digest = await TestImages.PushBlobAsync(Client, repo, config);
        var manifest = TestImages.ImageManifest(config, []);

        // What a manifest PUT does (sql/11's protocol): lock the referenced links FOR SHARE, then write its rows.
        await using var connection = new NpgsqlConnection(fixture.ConnectionString);
        await connection.OpenAsync();
        await using var put = await connection.BeginTransactionAsync();
        await Execute(connection, "SELECT 1 FROM blob_links WHERE repository = @repo AND digest = @digest FOR SHARE",
            ("repo", repo), ("digest", digest));

        var sweep = CollectionApi.CollectAsync(Client);
        // The sweep's first transaction is blocked on the link this one holds (nothing else runs in this database now).
        await using (var dataSource = NpgsqlDataSource.Create(fixture.ConnectionString))
            await PostgresLockWaits.WaitUntilBlockedAsync(dataSource, limit: TimeSpan.FromSeconds(60));
        await Execute(connection, """
            INSERT INTO manifests (repository, digest, media_type, content) VALUES (@repo, @manifest, @media_type, @content);
            INSERT INTO manifest_references (repository, manifest, digest, kind, size) VALUES (@repo, @manifest, @digest, 'blob', @size);
            """, ("repo", repo), ("manifest", TestImages.Digest(manifest)), ("media_type", TestImages.OciManifest),
            ("content", manifest), ("digest", digest), ("size", (long)config.Length));
        await put.CommitAsync();
        var report = await sweep;

        Assert.DoesNotContain(digest, report.Blobs);
        Assert.True(CollectionApi.StoreHolds(fixture.DataDirectory, digest));
        Assert.True(await CollectionApi.BlobKnownAsync(Client, repo, digest));
        Assert.Equal(false, await PostgresSql.ValueAsync(fixture.ConnectionString, "SELECT deleting FROM blobs WHERE digest = @digest", ("digest", digest)));
    }

    [Fact] // the collector killed halfway and run again finishes the job (killed between its two transactions)
    public async Task A_blob_left_deleting_by_a_killed_run_is_deleted_by_the_next_run()
    {
        var repo = TestImages.UniqueRepo("gc-left");
        var blob = TestImages.RandomBytes(1200, 861);
        var digest = await TestImages.PushBlobAsync(Client, repo, blob);
        // The state a run leaves when it dies after its first transaction: links gone, row marked, bytes still there.
        await PostgresSql.ValueAsync(fixture.ConnectionString, """
            WITH unlinked AS (DELETE FROM blob_links WHERE digest = @digest) UPDATE blobs SET deleting = true WHERE digest = @digest
            """, ("digest", digest));
        Assert.True(CollectionApi.StoreHolds(fixture.DataDirectory, digest));

        var report = await CollectionApi.CollectAsync(Client);

        Assert.Contains(digest, report.Blobs);
        Assert.False(CollectionApi.StoreHolds(fixture.DataDirectory, digest));
        Assert.Null(await PostgresSql.ValueAsync(fixture.ConnectionString, "SELECT 1 FROM blobs WHERE digest = @digest", ("digest", digest)));
    }

    [Fact] // POST /admin/gc?dry-run=true|false, nothing else (docs/garbage-collection.md)
    public async Task A_malformed_dry_run_value_is_refused()
    {
        using var response = await Client.PostAsync("admin/gc?dry-run=maybe", null);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("dry-run", await response.Content.ReadAsStringAsync());
    }

    private static async Task Execute(NpgsqlConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        await using var cmd = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters) cmd.Parameters.AddWithValue(name, value);
        await cmd.ExecuteNonQueryAsync();
    }
}
