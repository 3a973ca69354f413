using Npgsql;
using OrleansRegistry.Core;
using OrleansRegistry.Storage.Index;
using OrleansRegistry.TestSupport;

namespace OrleansRegistry.Storage.Tests.Index;

public sealed class PostgresRegistryIndexTests(PostgresDatabaseFixture db) : IClassFixture<PostgresDatabaseFixture>
{
    private static readonly Digest DigestA = Digest.Parse("sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
    private static readonly Digest DigestB = Digest.Parse("sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb");
    private static readonly Digest DigestC = Digest.Parse("sha256:cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc");

    private readonly PostgresRegistryIndex _index = new(db.DataSource);

    private static readonly Digest Subject1 = Digest.Parse("sha256:subject1");
    private static readonly Digest Subject2 = Digest.Parse("sha256:subject2");
    private static readonly RepositoryName App = RepositoryName.Parse("app");

    // Tests share the class's database; each uses repositories of its own.
    private static RepositoryName NewRepository(string name) => RepositoryName.Parse($"t{Guid.NewGuid():N}/{name}");

    /// <summary>A page of tags as the text the tag list serves.</summary>
    private async Task<IReadOnlyList<string>> TagsAsync(RepositoryName repo, string? last, int limit) =>
        (await _index.ListTagsAsync(repo, last, limit)).Select(t => t.Value).ToList();

    [Fact]
    public async Task PutTag_inserts_then_moves_and_delete_removes()
    {
        var repo = NewRepository("app");

        Assert.Null(await _index.GetTagAsync(repo, Tag.Parse("latest")));
        await _index.PutTagAsync(repo, Tag.Parse("latest"), DigestA);
        Assert.Equal(DigestA, await _index.GetTagAsync(repo, Tag.Parse("latest")));

        await _index.PutTagAsync(repo, Tag.Parse("latest"), DigestB);
        Assert.Equal(DigestB, await _index.GetTagAsync(repo, Tag.Parse("latest")));
        Assert.Equal(["latest"], await TagsAsync(repo, null, 10));

        Assert.True(await _index.DeleteTagAsync(repo, Tag.Parse("latest")));
        Assert.False(await _index.DeleteTagAsync(repo, Tag.Parse("latest")));
        Assert.Null(await _index.GetTagAsync(repo, Tag.Parse("latest")));
        Assert.Empty(await TagsAsync(repo, null, 10));
    }

    [Fact]
    public async Task PutTag_records_the_repository()
    {
        var repo = NewRepository("implicit");
        Assert.False(await _index.RepositoryExistsAsync(repo));

        await _index.PutTagAsync(repo, Tag.Parse("v1"), DigestA);

        Assert.True(await _index.RepositoryExistsAsync(repo));
    }

    [Fact]
    public async Task ListTags_pages_in_byte_order_with_last_and_n()
    {
        var repo = NewRepository("paged");
        string[] tags = ["b", "a", "A", "1", "_x", "Z", "a-b", "a.b", "a_b", "aa", "B", "0.9", "v1.10", "v1.9"];
        foreach (var tag in tags)
        {
            await _index.PutTagAsync(repo, Tag.Parse(tag), DigestA);
        }

        var pages = new List<IReadOnlyList<string>>();
        string? last = null;
        while (true)
        {
            var page = await TagsAsync(repo, last, 4);
            if (page.Count == 0)
            {
                break;
            }

            pages.Add(page);
            last = page[^1];
        }

        var expected = tags.Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(expected, pages.SelectMany(p => p).ToArray());
        Assert.All(pages, p => Assert.InRange(p.Count, 1, 4));
        Assert.Equal(["0.9", "1", "A", "B"], pages[0]);

        var all = await TagsAsync(repo, null, 100);
        Assert.True(all.ToList().IndexOf("A") < all.ToList().IndexOf("a"), "upper case sorts before lower case");
        Assert.True(all.ToList().IndexOf("1") < all.ToList().IndexOf("a"), "digits sort before letters");
        Assert.Equal(["a-b", "a.b", "a_b", "aa", "b"], await TagsAsync(repo, "a", 5));
        Assert.Empty(await TagsAsync(repo, "v1.9", 5));
        Assert.Empty(await TagsAsync(repo, null, 0));
    }

    [Fact]
    public async Task ListTags_does_not_mix_in_other_repositories()
    {
        var prefix = NewRepository("x");
        var repo = RepositoryName.Parse(prefix + "/a");
        var longer = RepositoryName.Parse(prefix + "/ab");
        var nested = RepositoryName.Parse(prefix + "/a/b");
        await _index.PutTagAsync(repo, Tag.Parse("mine"), DigestA);
        await _index.PutTagAsync(longer, Tag.Parse("other"), DigestA);
        await _index.PutTagAsync(nested, Tag.Parse("nested"), DigestA);

        Assert.Equal(["mine"], await TagsAsync(repo, null, 10));
        Assert.Null(await _index.GetTagAsync(repo, Tag.Parse("other")));
        Assert.Equal(["other"], await TagsAsync(longer, null, 10));
    }

    [Fact]
    public async Task DeleteManifest_removes_only_that_digests_tags_in_that_repository()
    {
        var repo = NewRepository("app");
        var other = NewRepository("other");
        foreach (var r in new[] { repo, other })
            await _index.PutManifestAsync(r, new ManifestWrite(DigestA, "application/vnd.oci.image.manifest.v1+json", "{}"u8.ToArray(), [], null, null, null));
        await _index.PutTagAsync(repo, Tag.Parse("v2"), DigestA);
        await _index.PutTagAsync(repo, Tag.Parse("v1"), DigestA);
        await _index.PutTagAsync(repo, Tag.Parse("keep"), DigestB);
        await _index.PutTagAsync(other, Tag.Parse("v1"), DigestA);

        var removed = await _index.DeleteManifestAsync(repo, DigestA);

        Assert.Equal(["v1", "v2"], removed!.Select(t => t.Value));
        Assert.Equal(["keep"], await TagsAsync(repo, null, 10));
        Assert.Equal(DigestA, await _index.GetTagAsync(other, Tag.Parse("v1")));
        Assert.NotNull(await _index.GetManifestAsync(other, DigestA));
        Assert.Null(await _index.DeleteManifestAsync(repo, DigestA));
    }

    [Fact]
    public async Task Catalog_pages_in_byte_order()
    {
        // The catalog spans the whole table: this test needs a database to itself.
        await using var dataSource = NpgsqlDataSource.Create(await db.Server.CreateDatabaseAsync("catalog"));
        var index = new PostgresRegistryIndex(dataSource);
        string[] names = ["library/nginx", "library-x", "a/b/c", "a/b", "a-b", "a", "0", "z", "a_b", "a.b"];
        foreach (var name in names)
        {
            await index.EnsureRepositoryAsync(RepositoryName.Parse(name));
        }

        await index.EnsureRepositoryAsync(RepositoryName.Parse("a"));

        var seen = new List<string>();
        string? last = null;
        for (IReadOnlyList<string> page; (page = await NamesAsync(index, last, 3)).Count > 0; last = page[^1])
        {
            Assert.InRange(page.Count, 1, 3);
            seen.AddRange(page);
        }

        Assert.Equal(names.Order(StringComparer.Ordinal), seen);
        Assert.True(await index.RepositoryExistsAsync(RepositoryName.Parse("a/b")));
        Assert.False(await index.RepositoryExistsAsync(RepositoryName.Parse("a/b/c/d")));
        Assert.Equal(["a/b/c", "a_b"], await NamesAsync(index, "a/b", 2));
    }

    [Fact]
    public async Task Blob_links_are_per_repository_and_idempotent()
    {
        var repo = NewRepository("app");
        var other = NewRepository("other");

        Assert.Null(await _index.GetBlobLinkAsync(repo, DigestA));
        await _index.CommitBlobAsync(DigestA, 1234, _ => Task.CompletedTask);
        Assert.True(await _index.LinkBlobAsync(repo, DigestA, 1234));
        Assert.True(await _index.LinkBlobAsync(repo, DigestA, 1234));

        Assert.Equal(1234L, await _index.GetBlobLinkAsync(repo, DigestA));
        Assert.Null(await _index.GetBlobLinkAsync(other, DigestA));
        Assert.True(await _index.RepositoryExistsAsync(repo));

        Assert.True(await _index.UnlinkBlobAsync(repo, DigestA));
        Assert.False(await _index.UnlinkBlobAsync(repo, DigestA));
        Assert.Null(await _index.GetBlobLinkAsync(repo, DigestA));
    }

    [Fact]
    public async Task Referrers_list_by_subject_filter_by_artifact_type_and_remove()
    {
        var repo = NewRepository("app");
        const string manifest = "application/vnd.oci.image.manifest.v1+json";
        var signature = new ReferrerRecord(DigestC, manifest, 100, "application/vnd.example.signature",
            new Dictionary<string, string> { ["org.opencontainers.image.created"] = "2026-01-01T00:00:00Z", ["b"] = "2" });
        var sbom = new ReferrerRecord(DigestA, manifest, 200, "application/spdx+json", null);
        var plain = new ReferrerRecord(DigestB, manifest, 300, null, new Dictionary<string, string>());

        await _index.AddReferrerAsync(repo, Subject1, signature);
        await _index.AddReferrerAsync(repo, Subject1, sbom);
        await _index.AddReferrerAsync(repo, Subject1, plain);
        await _index.AddReferrerAsync(repo, Subject1, sbom);
        await _index.AddReferrerAsync(repo, Subject2, plain);

        var all = await _index.ListReferrersAsync(repo, Subject1, null);
        Assert.Equal([DigestA, DigestB, DigestC], all.Select(r => r.Digest));
        Assert.Equal(sbom with { }, all[0]);
        Assert.Null(all[0].Annotations);
        Assert.Null(all[1].ArtifactType);
        Assert.Empty(all[1].Annotations!);
        Assert.Equal(signature.Annotations, all[2].Annotations);
        Assert.Equal(100, all[2].Size);

        var signatures = await _index.ListReferrersAsync(repo, Subject1, "application/vnd.example.signature");
        Assert.Equal([DigestC], signatures.Select(r => r.Digest));
        Assert.Empty(await _index.ListReferrersAsync(repo, Subject1, "application/none"));
        Assert.Empty(await _index.ListReferrersAsync(NewRepository("other"), Subject1, null));

        await _index.RemoveReferrerAsync(repo, DigestB);

        Assert.Equal([DigestA, DigestC], (await _index.ListReferrersAsync(repo, Subject1, null)).Select(r => r.Digest));
        Assert.Empty(await _index.ListReferrersAsync(repo, Subject2, null));
    }

    [Fact]
    public async Task Expired_uploads_are_listed_oldest_first_up_to_the_limit()
    {
        // The sweep query spans the whole table: this test needs a database to itself.
        await using var dataSource = NpgsqlDataSource.Create(await db.Server.CreateDatabaseAsync("uploads"));
        var index = new PostgresRegistryIndex(dataSource);
        var t0 = new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.FromHours(2));

        await index.AddUploadAsync("u-old", App, t0);
        await index.AddUploadAsync("u-older", App, t0.AddMinutes(-10));
        await index.AddUploadAsync("u-touched", App, t0.AddMinutes(-20));
        await index.AddUploadAsync("u-new", App, t0.AddHours(1));
        await index.TouchUploadAsync("u-touched", t0.AddHours(2));
        await index.TouchUploadAsync("u-old", t0.AddHours(-5)); // an older report never moves activity back

        var cutoff = t0.AddMinutes(30);
        Assert.Equal(["u-older", "u-old"], await index.ListExpiredUploadsAsync(cutoff, 10));
        Assert.Equal(["u-older"], await index.ListExpiredUploadsAsync(cutoff, 1));
        // The same instant in UTC: offsets must not shift the comparison.
        Assert.Equal(["u-older"], await index.ListExpiredUploadsAsync(t0.ToUniversalTime(), 10));

        await index.RemoveUploadAsync("u-older");
        Assert.Equal(["u-old"], await index.ListExpiredUploadsAsync(cutoff, 10));
        Assert.Equal(["u-old", "u-new", "u-touched"], await index.ListExpiredUploadsAsync(t0.AddDays(1), 10));
    }

    [Fact]
    public async Task Applying_sql_again_keeps_data_and_queries()
    {
        var connectionString = await db.Server.CreateDatabaseAsync("reapply");
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        var index = new PostgresRegistryIndex(dataSource);
        await index.PutTagAsync(App, Tag.Parse("v1"), DigestA);
        await index.CommitBlobAsync(DigestB, 42, _ => Task.CompletedTask);
        Assert.True(await index.LinkBlobAsync(App, DigestB, 42));
        var before = await QueryKeysAsync(dataSource);

        await PostgresServer.ApplySchemaAsync(connectionString);
        await PostgresServer.ApplySchemaAsync(connectionString);

        Assert.Equal(DigestA, await index.GetTagAsync(App, Tag.Parse("v1")));
        Assert.Equal(42L, await index.GetBlobLinkAsync(App, DigestB));
        Assert.Equal(before, await QueryKeysAsync(dataSource));

        // The grain-state payload must stay uncompressed (STORAGE EXTERNAL), re-apply or not.
        await using var cmd = dataSource.CreateCommand(
            "SELECT attstorage FROM pg_attribute WHERE attrelid = 'orleansstorage'::regclass AND attname = 'payloadbinary'");
        Assert.Equal('e', (char)(await cmd.ExecuteScalarAsync())!);
    }

    [Fact]
    public async Task Orleans_query_keys_the_providers_need_exist()
    {
        // Persistence.AdoNet, Clustering.AdoNet and Reminders.AdoNet 10.4.2 (the clustering provider fails at
        // start-up when a required key is missing; CleanupDefunctSiloEntryKey is optional but used when present).
        string[] required =
        [
            "WriteToStorageKey", "ReadFromStorageKey", "ClearStorageKey", "DeleteStorageKey",
            "GatewaysQueryKey", "MembershipReadRowKey", "MembershipReadAllKey", "InsertMembershipVersionKey",
            "UpdateIAmAlivetimeKey", "InsertMembershipKey", "UpdateMembershipKey", "DeleteMembershipTableEntriesKey",
            "CleanupDefunctSiloEntriesKey", "CleanupDefunctSiloEntryKey",
            "ReadReminderRowsKey", "ReadRangeRows1Key", "ReadRangeRows2Key", "ReadReminderRowKey",
            "UpsertReminderRowKey", "DeleteReminderRowKey", "DeleteReminderRowsKey",
        ];

        var keys = await QueryKeysAsync(db.DataSource);

        Assert.Equal(required.Order(StringComparer.Ordinal), keys);
    }

    private static async Task<IReadOnlyList<string>> NamesAsync(PostgresRegistryIndex index, string? last, int limit) =>
        (await index.ListRepositoriesAsync(last, limit)).Select(name => name.Value).ToList();

    private static async Task<List<string>> QueryKeysAsync(NpgsqlDataSource dataSource)
    {
        await using var cmd = dataSource.CreateCommand("SELECT querykey FROM orleansquery ORDER BY querykey COLLATE \"C\"");
        await using var reader = await cmd.ExecuteReaderAsync();
        var keys = new List<string>();
        while (await reader.ReadAsync())
        {
            keys.Add(reader.GetString(0));
        }

        return keys;
    }
}
