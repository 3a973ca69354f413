using System.Text;
using OrleansRegistry.Client.Errors;
using OrleansRegistry.Client.ObjectStores;
using OrleansRegistry.Client.Tests.Infrastructure;
using OrleansRegistry.Core;

namespace OrleansRegistry.Client.Tests.ObjectStores;

/// <summary>
/// What every <see cref="IObjectStore"/> must do, whatever holds the bytes: verified, atomic puts (a mismatch,
/// a failing source or a cancellation stores nothing and leaves nothing behind) and tags that never lose an update.
/// A store's test class derives from this one and supplies a fresh, empty store per test.
/// </summary>
public abstract class ObjectStoreConformanceTests
{
    protected const int MiB = 1024 * 1024;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    /// <summary>An empty store, new for each test.</summary>
    protected abstract IObjectStore Store { get; }

    /// <summary>
    /// Everything the store's backing holds (for a directory: every file, temporary ones included), so a test can
    /// check that a failed put left no trace at all.
    /// </summary>
    protected abstract IReadOnlySet<string> BackingFiles();

    [Fact]
    public async Task An_empty_store_has_no_blobs_and_no_tags()
    {
        var digest = Digest.Compute(Bytes(10, seed: 1));

        Assert.Null(await Store.StatAsync(digest));
        Assert.Null(await Store.OpenReadAsync(digest));
        Assert.Null(await Store.ResolveTagAsync("latest"));
        Assert.Empty(await Store.ListTagsAsync());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(MiB - 1)]
    [InlineData(MiB)]
    [InlineData(MiB + 1)]
    [InlineData(3 * MiB + 17)]
    public async Task A_put_blob_has_its_size_and_reads_back_byte_for_byte(int size)
    {
        var content = Bytes(size, seed: size);
        var blob = BlobDescriptor(content);

        // Short reads of an odd size: the store must keep reading until the end, not trust one read per buffer.
        await Store.PutAsync(blob, new ScriptedSourceStream(content, maxReadBytes: 65_537));

        Assert.Equal(size, await Store.StatAsync(blob.Digest));
        Assert.Equal(content, await ReadAsync(blob.Digest));
    }

    [Fact]
    public async Task A_sha512_blob_is_verified_and_stored_under_its_sha512_digest()
    {
        var content = Bytes(200_000, seed: 2);
        var blob = new Descriptor(MediaTypes.OctetStream, Digest.Compute(content, Digest.Sha512), content.Length);

        await Store.PutAsync(blob, new MemoryStream(content));

        Assert.Equal(content, await ReadAsync(blob.Digest));
        Assert.Null(await Store.StatAsync(Digest.Compute(content)));
    }

    [Fact]
    public async Task Content_with_another_digest_is_refused_and_nothing_is_stored()
    {
        var content = Bytes(300_000, seed: 3);
        var claimed = BlobDescriptor(Bytes(300_000, seed: 4)); // same size, different bytes
        var before = BackingFiles();

        var e = await Assert.ThrowsAsync<DigestMismatchException>(
            () => Store.PutAsync(claimed, new MemoryStream(content)));

        Assert.Equal(claimed.Digest, e.Expected);
        Assert.Equal(Digest.Compute(content), e.Actual);
        Assert.Null(await Store.StatAsync(claimed.Digest));
        Assert.Null(await Store.StatAsync(Digest.Compute(content)));
        Assert.Equal(before, BackingFiles());
    }

    [Theory]
    [InlineData(-1)] // the source ends early
    [InlineData(+1)] // the source runs on past the declared size
    [InlineData(+3 * MiB)]
    public async Task Content_of_another_size_is_refused_and_nothing_is_stored(int sizeError)
    {
        var declared = Bytes(2 * MiB, seed: 5);
        var actual = Bytes(declared.Length + sizeError, seed: 5); // same seed: the declared bytes are a prefix or an extension
        var blob = BlobDescriptor(declared);
        var source = new ScriptedSourceStream(actual);
        var before = BackingFiles();

        var e = await Assert.ThrowsAsync<SizeMismatchException>(() => Store.PutAsync(blob, source));

        Assert.Equal(declared.Length, e.Expected);
        if (sizeError < 0)
            Assert.Equal(actual.Length, e.Actual);
        else
            Assert.True(e.Actual > declared.Length, $"reported {e.Actual} bytes"); // a lower bound: reading stopped
        Assert.Null(await Store.StatAsync(blob.Digest));
        Assert.Equal(before, BackingFiles());
        // A too-long source is abandoned at the first byte past the declared size, not read to its end.
        if (sizeError > MiB)
            Assert.True(source.Delivered <= declared.Length + MiB, $"read {source.Delivered} bytes");
    }

    [Fact]
    public async Task Cancelling_mid_put_stores_nothing_even_when_the_source_ignores_the_token()
    {
        var content = Bytes(8 * MiB, seed: 6);
        var blob = BlobDescriptor(content);
        using var cts = new CancellationTokenSource();
        // The caller cancels once 2.5 MiB have arrived; the source itself carries on serving bytes.
        var source = new ScriptedSourceStream(content, maxReadBytes: 256 * 1024,
            beforeRead: delivered => { if (delivered >= 5 * MiB / 2) cts.Cancel(); });
        var before = BackingFiles();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Store.PutAsync(blob, source, cts.Token));

        Assert.InRange(source.Delivered, 5 * MiB / 2, 5 * MiB / 2 + 256 * 1024); // stopped right there
        Assert.Null(await Store.StatAsync(blob.Digest));
        Assert.Equal(before, BackingFiles());
    }

    [Fact]
    public async Task A_source_that_throws_on_cancellation_mid_put_stores_nothing()
    {
        var content = Bytes(4 * MiB, seed: 7);
        var blob = BlobDescriptor(content);
        using var cts = new CancellationTokenSource();
        // As an HTTP body does: the read in progress observes the cancellation and throws.
        var source = new ScriptedSourceStream(content, maxReadBytes: 100_000, beforeRead: delivered =>
        {
            if (delivered < 3 * MiB) return;
            cts.Cancel();
            cts.Token.ThrowIfCancellationRequested();
        });
        var before = BackingFiles();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Store.PutAsync(blob, source, cts.Token));

        Assert.Null(await Store.StatAsync(blob.Digest));
        Assert.Equal(before, BackingFiles());
    }

    [Fact]
    public async Task A_put_with_an_already_cancelled_token_reads_nothing_and_stores_nothing()
    {
        var content = Bytes(1000, seed: 8);
        var source = new ScriptedSourceStream(content);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => Store.PutAsync(BlobDescriptor(content), source, new CancellationToken(canceled: true)));

        Assert.Equal(0, source.Reads);
        Assert.Null(await Store.StatAsync(Digest.Compute(content)));
    }

    [Fact]
    public async Task A_transport_error_mid_put_propagates_and_stores_nothing()
    {
        var content = Bytes(3 * MiB, seed: 9);
        var blob = BlobDescriptor(content);
        var broken = new IOException("connection reset");
        var source = new ScriptedSourceStream(content, maxReadBytes: 500_000,
            beforeRead: delivered => { if (delivered >= 2 * MiB) throw broken; });
        var before = BackingFiles();

        var thrown = await Assert.ThrowsAsync<IOException>(() => Store.PutAsync(blob, source));

        Assert.Same(broken, thrown);
        Assert.Null(await Store.StatAsync(blob.Digest));
        Assert.Equal(before, BackingFiles());
    }

    [Fact]
    public async Task Putting_a_blob_the_store_holds_does_not_read_the_source()
    {
        var content = Bytes(50_000, seed: 10);
        var blob = BlobDescriptor(content);
        await Store.PutAsync(blob, new MemoryStream(content));
        var source = new ScriptedSourceStream(content, beforeRead: _ => throw new InvalidOperationException("read"));

        await Store.PutAsync(blob, source);

        Assert.Equal(0, source.Reads);
        Assert.Equal(content, await ReadAsync(blob.Digest));
    }

    [Fact]
    public async Task Concurrent_puts_of_one_blob_all_succeed_with_the_same_bytes()
    {
        var content = Bytes(3 * MiB, seed: 11);
        var blob = BlobDescriptor(content);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var puts = Enumerable.Range(0, 8)
            .Select(_ => Task.Run(async () =>
            {
                await gate.Task;
                await Store.PutAsync(blob, new ScriptedSourceStream(content, maxReadBytes: 300_000));
            }))
            .ToList();

        gate.SetResult();
        await Task.WhenAll(puts).WaitAsync(Bound);

        Assert.Equal(content, await ReadAsync(blob.Digest));
    }

    public static TheoryData<string?, string?> HostileDigests => new()
    {
        { "..", "abcd" }, { "sha256", "../../etc/passwd" }, { "sha256", "ab/cd" }, { "sha256/..", "abcd" },
        { "sha256", "" }, { "", "abcd" }, { "sha256", "a\0b" }, { "sha256", "a\\b" }, { null, null },
    };

    [Theory]
    [MemberData(nameof(HostileDigests))]
    public async Task Digests_that_could_escape_the_store_are_refused(string? algorithm, string? encoded)
    {
        var digest = new Digest(algorithm!, encoded!);

        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.StatAsync(digest));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.OpenReadAsync(digest));
        await Assert.ThrowsAnyAsync<ArgumentException>(
            () => Store.PutAsync(new Descriptor(MediaTypes.OctetStream, digest, 0), new MemoryStream()));
    }

    [Fact]
    public async Task A_digest_whose_algorithm_cannot_be_verified_is_not_stored()
    {
        var content = Bytes(10, seed: 12);
        var digest = new Digest("md5", "0123456789abcdef0123456789abcdef");

        await Assert.ThrowsAnyAsync<ArgumentException>(
            () => Store.PutAsync(new Descriptor(MediaTypes.OctetStream, digest, content.Length), new MemoryStream(content)));
        Assert.Null(await Store.StatAsync(digest));
    }

    [Fact]
    public async Task A_set_tag_resolves_to_its_manifest_and_is_listed()
    {
        var manifest = await PutManifestAsync(seed: 20);
        var annotated = manifest with { Annotations = new Dictionary<string, string> { ["org.example.note"] = "kept" } };

        await Store.SetTagAsync("v1.0", annotated);

        var resolved = await Store.ResolveTagAsync("v1.0");
        Assert.NotNull(resolved);
        Assert.Equal((manifest.MediaType, manifest.Digest, manifest.Size), (resolved.MediaType, resolved.Digest, resolved.Size));
        Assert.Equal("kept", resolved.Annotations?["org.example.note"]);
        var listed = Assert.Single(await Store.ListTagsAsync());
        Assert.Equal("v1.0", listed.Tag);
        Assert.Equal(manifest.Digest, listed.Manifest.Digest);
        Assert.Null(await Store.ResolveTagAsync("v1.1"));
    }

    [Fact]
    public async Task Re_setting_a_tag_replaces_its_target_and_leaves_other_tags_alone()
    {
        var first = await PutManifestAsync(seed: 21);
        var second = await PutManifestAsync(seed: 22, MediaTypes.OciIndex);
        var other = await PutManifestAsync(seed: 23);
        await Store.SetTagAsync("latest", first);
        await Store.SetTagAsync("stable", other);

        await Store.SetTagAsync("latest", second);

        var latest = await Store.ResolveTagAsync("latest");
        Assert.Equal((second.MediaType, second.Digest, second.Size), (latest?.MediaType, latest?.Digest, latest?.Size));
        Assert.Equal(other.Digest, (await Store.ResolveTagAsync("stable"))?.Digest);
        var tags = await Store.ListTagsAsync();
        Assert.Equal(["latest", "stable"], tags.Select(t => t.Tag).Order(StringComparer.Ordinal));
        Assert.Equal(second.Digest, tags.Single(t => t.Tag == "latest").Manifest.Digest);
    }

    [Fact]
    public async Task Concurrent_tag_writes_lose_no_update()
    {
        var manifests = new List<Descriptor>();
        for (var i = 0; i < 20; i++)
            manifests.Add(await PutManifestAsync(seed: 100 + i));
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var writes = manifests
            .Select((manifest, i) => Task.Run(async () =>
            {
                await gate.Task;
                await Store.SetTagAsync($"t{i}", manifest);
            }))
            .ToList();

        gate.SetResult();
        await Task.WhenAll(writes).WaitAsync(Bound);

        var tags = (await Store.ListTagsAsync()).ToDictionary(t => t.Tag, t => t.Manifest.Digest);
        Assert.Equal(20, tags.Count);
        for (var i = 0; i < 20; i++)
            Assert.Equal(manifests[i].Digest, tags[$"t{i}"]);
    }

    [Fact]
    public async Task A_tag_cannot_point_at_a_manifest_the_store_does_not_hold()
    {
        var missing = ManifestDescriptor(ManifestBytes(seed: 24), MediaTypes.OciManifest);
        var stored = await PutManifestAsync(seed: 25);

        await Assert.ThrowsAsync<InvalidOperationException>(() => Store.SetTagAsync("v1", missing));
        await Assert.ThrowsAsync<InvalidOperationException>(() => Store.SetTagAsync("v1", stored with { Size = stored.Size + 1 }));

        Assert.Null(await Store.ResolveTagAsync("v1"));
        Assert.Empty(await Store.ListTagsAsync());
    }

    [Theory]
    [InlineData("")]
    [InlineData(".hidden")]
    [InlineData("-dash")]
    [InlineData("a/b")]
    [InlineData("a:b")]
    [InlineData("has space")]
    public async Task Invalid_tags_are_refused(string tag)
    {
        var manifest = await PutManifestAsync(seed: 26);

        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.SetTagAsync(tag, manifest));

        Assert.Empty(await Store.ListTagsAsync());
    }

    protected static byte[] Bytes(int length, int seed) => TestData.RandomBytes(length, seed);

    protected static Descriptor BlobDescriptor(byte[] content) =>
        new(MediaTypes.OctetStream, Digest.Compute(content), content.Length);

    protected static Descriptor ManifestDescriptor(byte[] content, string mediaType) =>
        new(mediaType, Digest.Compute(content), content.Length);

    /// <summary>A small manifest-shaped document, different per seed (the store does not parse manifests).</summary>
    protected static byte[] ManifestBytes(int seed) => Encoding.UTF8.GetBytes(
        $$$"""{"schemaVersion":2,"mediaType":"{{{MediaTypes.OciManifest}}}","annotations":{"seed":"{{{seed}}}"}}""");

    protected async Task<Descriptor> PutManifestAsync(int seed, string mediaType = MediaTypes.OciManifest)
    {
        var content = ManifestBytes(seed);
        var descriptor = ManifestDescriptor(content, mediaType);
        await Store.PutAsync(descriptor, new MemoryStream(content));
        return descriptor;
    }

    protected async Task<byte[]> ReadAsync(Digest digest)
    {
        await using var stream = await Store.OpenReadAsync(digest);
        Assert.NotNull(stream);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        return copy.ToArray();
    }
}
