using System.Text;
using System.Text.Json.Nodes;
using OrleansRegistry.Client.ObjectStores;
using OrleansRegistry.Client.Tests.Infrastructure;
using OrleansRegistry.Core;

namespace OrleansRegistry.Client.Tests.ObjectStores;

/// <summary>The conformance suite over a layout in a fresh temporary directory, plus what only the layout's files show.</summary>
public sealed class OciLayoutStoreTests : ObjectStoreConformanceTests, IDisposable
{
    private readonly TempDirectory _sandbox = new();
    private readonly string _root;
    private readonly OciLayoutStore _store;

    public OciLayoutStoreTests()
    {
        // One level below the sandbox: the store must create its directory itself.
        _root = _sandbox.Child("layout");
        _store = new OciLayoutStore(_root);
    }

    protected override IObjectStore Store => _store;

    protected override IReadOnlySet<string> BackingFiles() =>
        Directory.EnumerateFiles(_root, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(_root, f))
            .ToHashSet(StringComparer.Ordinal);

    public void Dispose() => _sandbox.Dispose();

    [Fact]
    public void A_new_layout_has_its_version_file_an_empty_index_and_nothing_in_progress()
    {
        Assert.Equal("""{"imageLayoutVersion":"1.0.0"}""", File.ReadAllText(Path.Combine(_root, "oci-layout")));
        var index = JsonNode.Parse(File.ReadAllText(Path.Combine(_root, "index.json")))!;
        Assert.Equal(2, (int)index["schemaVersion"]!);
        Assert.Empty(index["manifests"]!.AsArray());
        Assert.True(Directory.Exists(Path.Combine(_root, "blobs")));
        Assert.Equal(["index.json", "oci-layout"], BackingFiles().Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Opening_an_existing_layout_changes_none_of_its_files()
    {
        await PutManifestAsync(seed: 1);
        await Store.SetTagAsync("v1", await PutManifestAsync(seed: 2));
        var before = BackingFiles().ToDictionary(f => f, f => File.ReadAllBytes(Path.Combine(_root, f)));

        var reopened = new OciLayoutStore(_root);

        Assert.Equal(before.Keys.Order(), BackingFiles().Order());
        foreach (var (file, bytes) in before)
            Assert.Equal(bytes, File.ReadAllBytes(Path.Combine(_root, file)));
        Assert.Equal("v1", Assert.Single(await reopened.ListTagsAsync()).Tag);
    }

    [Fact]
    public void A_directory_whose_oci_layout_is_not_version_1_is_refused()
    {
        var other = _sandbox.Child("other");
        Directory.CreateDirectory(other);
        File.WriteAllText(Path.Combine(other, "oci-layout"), """{"imageLayoutVersion":"2.0.0"}""");

        Assert.Throws<InvalidDataException>(() => new OciLayoutStore(other));
    }

    [Fact]
    public async Task Blobs_live_at_blobs_alg_encoded()
    {
        var content = Bytes(1234, seed: 3);
        var sha256 = BlobDescriptor(content);
        var sha512 = new Descriptor(MediaTypes.OctetStream, Digest.Compute(content, Digest.Sha512), content.Length);

        await Store.PutAsync(sha256, new MemoryStream(content));
        await Store.PutAsync(sha512, new MemoryStream(content));

        Assert.Equal(content, File.ReadAllBytes(Path.Combine(_root, "blobs", "sha256", sha256.Digest.Encoded)));
        Assert.Equal(content, File.ReadAllBytes(Path.Combine(_root, "blobs", "sha512", sha512.Digest.Encoded)));
        Assert.Equal(Path.Combine(_root, "blobs", "sha256", sha256.Digest.Encoded), _store.BlobPath(sha256.Digest));
    }

    [Fact]
    public async Task A_blob_streams_to_a_temporary_file_and_appears_only_when_complete()
    {
        var content = Bytes(16 * MiB, seed: 4);
        var blob = BlobDescriptor(content);
        var ingest = Path.Combine(_root, OciLayoutStore.IngestDirectoryName);
        var checks = 0;
        var source = new ScriptedSourceStream(content, maxReadBytes: 512 * 1024, beforeRead: delivered =>
        {
            if (delivered == 0 || delivered == content.Length) return;
            // What arrived is already on disk (at most one buffer behind), so the blob is never held in memory,
            // and it is not at its final name yet.
            var partial = Assert.Single(Directory.GetFiles(ingest));
            Assert.InRange(new FileInfo(partial).Length, delivered - MiB, delivered);
            Assert.False(File.Exists(_store.BlobPath(blob.Digest)));
            checks++;
        });

        await Store.PutAsync(blob, source);

        Assert.True(checks >= 30, $"only {checks} checks ran");
        Assert.Empty(Directory.GetFiles(ingest));
        Assert.Equal(content.Length, new FileInfo(_store.BlobPath(blob.Digest)).Length);
    }

    [Fact]
    public async Task A_corrupt_blob_of_the_wrong_length_is_replaced_by_a_verified_put()
    {
        var content = Bytes(5000, seed: 5);
        var blob = BlobDescriptor(content);
        Directory.CreateDirectory(Path.GetDirectoryName(_store.BlobPath(blob.Digest))!);
        File.WriteAllBytes(_store.BlobPath(blob.Digest), content[..100]); // a truncated copy some other tool left

        await Store.PutAsync(blob, new MemoryStream(content));

        Assert.Equal(content, await ReadAsync(blob.Digest));
    }

    [Fact]
    public async Task Tag_writes_keep_every_other_entry_field_and_annotation_of_index_json()
    {
        var untagged = await PutManifestAsync(seed: 6);
        var keep = await PutManifestAsync(seed: 7);
        var reset = await PutManifestAsync(seed: 8);
        var fullName = await PutManifestAsync(seed: 9);
        var newTarget = await PutManifestAsync(seed: 10);
        // As other tools write it: an untagged platform entry, a full reference as ref name, extra annotations and
        // top-level fields, and an entry for the tag that will be re-set.
        var original = JsonNode.Parse($$"""
            {
              "schemaVersion": 2,
              "mediaType": "application/vnd.oci.image.index.v1+json",
              "annotations": { "org.example.layout": "top" },
              "x-tool": { "v": 1 },
              "manifests": [
                { "mediaType": "{{untagged.MediaType}}", "digest": "{{untagged.Digest}}", "size": {{untagged.Size}},
                  "platform": { "architecture": "arm64", "os": "linux" } },
                { "mediaType": "{{reset.MediaType}}", "digest": "{{reset.Digest}}", "size": {{reset.Size}},
                  "annotations": { "org.opencontainers.image.ref.name": "moving" } },
                { "mediaType": "{{keep.MediaType}}", "digest": "{{keep.Digest}}", "size": {{keep.Size}},
                  "annotations": { "org.opencontainers.image.ref.name": "keep", "org.example.note": "x" } },
                { "mediaType": "{{fullName.MediaType}}", "digest": "{{fullName.Digest}}", "size": {{fullName.Size}},
                  "annotations": { "org.opencontainers.image.ref.name": "example.com/app:1.0" } },
                { "mediaType": "{{keep.MediaType}}", "digest": "{{keep.Digest}}", "size": {{keep.Size}},
                  "annotations": { "org.opencontainers.image.ref.name": "moving" } }
              ]
            }
            """)!;
        File.WriteAllText(Path.Combine(_root, "index.json"), original.ToJsonString());

        await Store.SetTagAsync("moving", newTarget);
        await Store.SetTagAsync("added", keep);

        var index = JsonNode.Parse(File.ReadAllText(Path.Combine(_root, "index.json")))!;
        Assert.True(JsonNode.DeepEquals(original["annotations"], index["annotations"]));
        Assert.True(JsonNode.DeepEquals(original["x-tool"], index["x-tool"]));
        var entries = index["manifests"]!.AsArray();
        var before = original["manifests"]!.AsArray();
        Assert.Equal(5, entries.Count);
        Assert.True(JsonNode.DeepEquals(before[0], entries[0])); // untouched, in place
        Assert.Equal(newTarget.Digest.ToString(), (string)entries[1]!["digest"]!); // the re-set tag kept its slot...
        Assert.Equal("moving", (string)entries[1]!["annotations"]!["org.opencontainers.image.ref.name"]!);
        Assert.True(JsonNode.DeepEquals(before[2], entries[2]));
        Assert.True(JsonNode.DeepEquals(before[3], entries[3]));
        Assert.Equal("added", (string)entries[4]!["annotations"]!["org.opencontainers.image.ref.name"]!); // ...and its duplicate is gone
        Assert.Equal(["added", "keep", "moving"], (await Store.ListTagsAsync()).Select(t => t.Tag).Order(StringComparer.Ordinal));
        Assert.Equal(fullName.Digest, (await Store.ResolveTagAsync("example.com/app:1.0"))?.Digest);
        Assert.Equal("x", (await Store.ResolveTagAsync("keep"))?.Annotations?["org.example.note"]);
    }

    [Fact]
    public async Task Tag_writes_through_two_stores_on_one_directory_lose_no_update()
    {
        var second = new OciLayoutStore(_root + Path.DirectorySeparatorChar); // the same layout, spelled differently
        var manifests = new List<Descriptor>();
        for (var i = 0; i < 20; i++)
            manifests.Add(await PutManifestAsync(seed: 200 + i));
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var writes = manifests
            .Select((manifest, i) => Task.Run(async () =>
            {
                await gate.Task;
                await (i % 2 == 0 ? _store : second).SetTagAsync($"t{i}", manifest);
            }))
            .ToList();

        gate.SetResult();
        await Task.WhenAll(writes).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(20, (await Store.ListTagsAsync()).Count);
        Assert.Empty(Directory.GetFiles(Path.Combine(_root, OciLayoutStore.IngestDirectoryName)));
    }

    [Fact]
    public async Task A_tag_write_waits_for_another_process_holding_the_layout_lock_and_keeps_its_update()
    {
        var mine = await PutManifestAsync(seed: 240);
        var theirs = await PutManifestAsync(seed: 241);
        var lockPath = Path.Combine(_root, OciLayoutStore.IndexLockFileName);

        // Another process holds the lock: flock(1) takes the same flock(2) lock .NET takes for FileShare.None, and
        // keeps it until its stdin closes.
        var start = new System.Diagnostics.ProcessStartInfo("flock")
        {
            ArgumentList = { lockPath, "-c", "echo locked; read -r _" },
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        using var other = System.Diagnostics.Process.Start(start)!;
        try
        {
            Assert.Equal("locked", await other.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30)));
            var write = _store.SetTagAsync("mine", mine);

            // What the other process does under its lock: its own read-modify-write of index.json, adding a tag.
            var indexPath = Path.Combine(_root, OciLayoutStore.IndexFileName);
            var index = JsonNode.Parse(await File.ReadAllTextAsync(indexPath))!;
            index["manifests"]!.AsArray().Add(new JsonObject
            {
                ["mediaType"] = theirs.MediaType,
                ["digest"] = theirs.Digest.ToString(),
                ["size"] = theirs.Size,
                ["annotations"] = new JsonObject { [OciLayoutStore.RefNameAnnotation] = "theirs" },
            });
            await File.WriteAllTextAsync(indexPath, index.ToJsonString());
            Assert.False(write.IsCompleted, "the tag write finished while another process held the layout lock");

            other.StandardInput.Close(); // the other process ends, and the kernel releases its lock
            await write.WaitAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            if (!other.HasExited) other.Kill();
            await other.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }

        Assert.Equal(mine.Digest, (await Store.ResolveTagAsync("mine"))?.Digest);
        Assert.Equal(theirs.Digest, (await Store.ResolveTagAsync("theirs"))?.Digest);
    }

    [Fact]
    public async Task A_malformed_index_json_is_reported_as_invalid_data()
    {
        File.WriteAllText(Path.Combine(_root, "index.json"), "{ not json");

        await Assert.ThrowsAsync<InvalidDataException>(() => Store.ListTagsAsync());
        await Assert.ThrowsAsync<InvalidDataException>(() => Store.ResolveTagAsync("v1"));
        await Assert.ThrowsAsync<InvalidDataException>(async () => await Store.SetTagAsync("v1", await PutManifestAsync(seed: 11)));
        Assert.Equal("{ not json", File.ReadAllText(Path.Combine(_root, "index.json"))); // not overwritten
    }

    [Fact]
    public async Task A_cancelled_tag_write_leaves_index_json_as_it_was()
    {
        var manifest = await PutManifestAsync(seed: 12);
        await Store.SetTagAsync("v1", manifest);
        var before = File.ReadAllBytes(Path.Combine(_root, "index.json"));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => Store.SetTagAsync("v2", manifest, new CancellationToken(canceled: true)));

        Assert.Equal(before, File.ReadAllBytes(Path.Combine(_root, "index.json")));
        Assert.Empty(Directory.GetFiles(Path.Combine(_root, OciLayoutStore.IngestDirectoryName)));
    }
}
