using OrleansRegistry.Client.Images;
using OrleansRegistry.Client.ObjectStores;
using OrleansRegistry.Client.Registry;
using OrleansRegistry.Client.Tests.Infrastructure;
using OrleansRegistry.Core;

namespace OrleansRegistry.Client.Tests.Images;

/// <summary>
/// The layer window (docs/architecture.md#client) through whole-image pull and push against our real server: blob i starts only when blob
/// i − window has finished; a failure injected into blob k cancels the blobs in flight, starts nothing more, leaves no
/// task running and nothing written after the call returns, and is the exception the caller gets; caller cancellation
/// behaves the same and leaves no partial blob and no tag. The seam is <see cref="InstrumentedStore"/> (a real
/// <see cref="OciLayoutStore"/> whose blob streams stop half way until the test decides), so each decision is taken
/// while transfers are really mid-blob; nothing depends on timing.
/// </summary>
[Collection(RegistryServerCollection.Name)]
public sealed class ImageWindowTests(RegistryFixture fixture) : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private readonly TempDirectory _temp = new();
    private readonly ImageTransfer _images = new();

    public void Dispose() => _temp.Dispose();

    public enum Direction { Pull, Push }

    [Theory]
    [InlineData(Direction.Pull, 1)]
    [InlineData(Direction.Pull, 2)]
    [InlineData(Direction.Pull, 3)]
    [InlineData(Direction.Pull, 10)]
    [InlineData(Direction.Push, 1)]
    [InlineData(Direction.Push, 3)]
    public async Task Blob_i_starts_only_after_blob_i_minus_window_finished(Direction direction, int window)
    {
        await using var setup = await SetUpAsync(direction, seed: 10 + window);
        var store = setup.Store;
        var count = setup.Blobs.Count;

        var run = setup.RunAsync(window, CancellationToken.None);
        await store.Log.WaitUntilAsync(l => l.Of("start").Count >= Math.Min(window, count), Bound, "the first window to start");
        // Release the newest started blob first, so that a blob depending on the wrong predecessor would show.
        var released = new HashSet<int>();
        while (released.Count < count)
        {
            await store.Log.WaitUntilAsync(l => l.Of("start").Count > released.Count, Bound, "another start");
            var next = store.Log.Of("start").Where(i => !released.Contains(i)).Max();
            released.Add(next);
            store.Gates[next].Release();
        }
        var root = await run.WaitAsync(Bound);

        var log = store.Log;
        for (var i = window; i < count; i++)
            Assert.True(log.IndexOf("end", i - window) < log.IndexOf("start", i), $"blob {i} started before blob {i - window} ended: {log}");
        Assert.True(log.MaxConcurrency <= window, $"max concurrency {log.MaxConcurrency} > window {window}: {log}");
        Assert.Equal(Math.Min(window, count), log.MaxConcurrency);
        Assert.Equal(count, log.Of("paused").Count); // every blob really was held mid-way
        Assert.Equal(setup.Root, root);
        setup.Events.AssertWellFormed();
        await setup.AssertCompleteAsync();
    }

    [Theory]
    [InlineData(Direction.Pull, 2, 3)]
    [InlineData(Direction.Pull, 3, 0)]
    [InlineData(Direction.Pull, 1, 5)]
    [InlineData(Direction.Push, 2, 3)]
    [InlineData(Direction.Push, 3, 0)]
    [InlineData(Direction.Push, 1, 5)]
    public async Task A_failure_in_blob_k_aborts_everything_and_is_what_the_caller_gets(Direction direction, int window, int k)
    {
        await using var setup = await SetUpAsync(direction, seed: 20 + window * 10 + k);
        var store = setup.Store;
        var count = setup.Blobs.Count;
        var failure = new InjectedFailureException($"blob {k} failed (injected)");

        var run = setup.RunAsync(window, CancellationToken.None);
        for (var i = 0; i < k; i++)
        {
            await store.Log.WaitForAsync("paused", i, Bound);
            store.Gates[i].Release();
        }
        // Fail k while every other blob of its window is held mid-way.
        var inFlight = Enumerable.Range(k, Math.Min(window, count - k)).ToList();
        foreach (var i in inFlight)
            await store.Log.WaitForAsync("paused", i, Bound);
        store.Gates[k].Fail(failure);

        var thrown = await Assert.ThrowsAsync<InjectedFailureException>(() => run.WaitAsync(Bound));

        // Right at return: the caller got the injected exception itself, and nothing is left running.
        Assert.Same(failure, thrown);
        var log = store.Log;
        Assert.Equal(log.Of("start").Order(), log.Of("end").Order());
        Assert.All(store.Puts, put => Assert.True(put.IsCompleted, "a store write was still running when the transfer returned"));
        Assert.Equal(0, setup.InFlight.InFlight);
        Assert.Equal(Enumerable.Range(0, k).Concat(inFlight).Order(), log.Of("start").Order()); // nothing started after k failed
        var failedAt = log.IndexOf("fail", k);
        Assert.DoesNotContain(log.Events.Skip(failedAt + 1), e => e.Kind == "start");
        var written = await setup.WrittenAsync();

        // Open every gate: a transfer still hidden somewhere would now move. Nothing does.
        foreach (var gate in store.Gates) gate.Release();
        Assert.Equal(written, await setup.WrittenAsync());
        Assert.Equal(log.ToString(), store.Log.ToString());

        setup.Events.AssertWellFormed();
        var closing = setup.Events.Closing();
        Assert.Same(failure, closing[setup.Blobs[k].Digest.ToString()].Error);
        foreach (var i in inFlight.Where(i => i != k))
            Assert.IsAssignableFrom<OperationCanceledException>(closing[setup.Blobs[i].Digest.ToString()].Error);
        Assert.DoesNotContain(setup.Events.Events, e => MediaTypes.IsManifest(e.Item.MediaType));
        await setup.AssertNothingPublishedAsync(completeBlobs: Enumerable.Range(0, k));
    }

    [Theory]
    [InlineData(Direction.Pull)]
    [InlineData(Direction.Push)]
    public async Task Caller_cancellation_aborts_the_same_way_and_leaves_no_partial_blob_and_no_tag(Direction direction)
    {
        await using var setup = await SetUpAsync(direction, seed: 40);
        var store = setup.Store;
        using var cts = new CancellationTokenSource();

        var run = setup.RunAsync(3, cts.Token);
        store.Gates[0].Release();
        foreach (var i in new[] { 1, 2, 3 })
            await store.Log.WaitForAsync("paused", i, Bound);
        cts.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run.WaitAsync(Bound));

        var log = store.Log;
        Assert.Equal([0, 1, 2, 3], log.Of("start").Order());
        Assert.Equal([0, 1, 2, 3], log.Of("end").Order());
        Assert.All(store.Puts, put => Assert.True(put.IsCompleted, "a store write was still running when the transfer returned"));
        Assert.Equal(0, setup.InFlight.InFlight);
        var written = await setup.WrittenAsync();
        foreach (var gate in store.Gates) gate.Release();
        Assert.Equal(written, await setup.WrittenAsync());
        Assert.Equal(log.ToString(), store.Log.ToString());
        setup.Events.AssertWellFormed();
        await setup.AssertNothingPublishedAsync(completeBlobs: [0]);
    }

    private async Task<Setup> SetUpAsync(Direction direction, int seed)
    {
        // Config plus six layers: seven window items, enough for every window and failure position above.
        var builder = new OciLayoutBuilder(_temp.Child($"source-{seed}"));
        var rootLayout = builder.AddImage(seed, [40_000, 30_000, 50_000, 20_000, 60_000, 10_000]);
        builder.Tag(rootLayout, "v1");
        builder.Save();
        var source = new OciLayoutStore(builder.Layout.Directory);
        // The descriptor alone: index.json's entry also carries the ref.name annotation, which is not the image's.
        var root = (await source.ResolveTagAsync("v1"))! with { Annotations = null };
        var parsed = ManifestParser.Parse(root.MediaType, await File.ReadAllBytesAsync(source.BlobPath(root.Digest)));
        var blobs = parsed.ReferencedBlobs.ToList();

        var inFlight = new InFlightHandler();
        var (client, http) = direction == Direction.Push
            ? TestClients.Create(fixture.Registry.BaseAddress, null, inFlight)
            : TestClients.Create(fixture.Registry.BaseAddress);
        var repository = client.Repository(TestClients.UniqueRepository("images/window"));
        if (direction == Direction.Pull)
        {
            await _images.PushAsync(source, "v1", repository, "v1", new TransferOptions());
            var store = new InstrumentedStore(new OciLayoutStore(_temp.Child($"pulled-{seed}")), blobs);
            return new Setup(direction, _images, source, store, repository, root, blobs, http, inFlight);
        }
        return new Setup(direction, _images, source, new InstrumentedStore(source, blobs), repository, root, blobs, http, inFlight);
    }

    /// <summary>One image set up for a pull (it is in the registry; the instrumented store is a fresh layout) or a push
    /// (the instrumented store is the source layout; the repository is empty).</summary>
    private sealed record Setup(Direction Direction, ImageTransfer Images, OciLayoutStore Source, InstrumentedStore Store,
        RepositoryClient Repository, Descriptor Root, IReadOnlyList<Descriptor> Blobs, HttpClient Http, InFlightHandler InFlight)
        : IAsyncDisposable
    {
        public EventRecorder Events { get; } = new();

        public Task<Descriptor> RunAsync(int window, CancellationToken ct)
        {
            var options = new TransferOptions { Window = window, Progress = Events };
            return Direction == Direction.Pull
                ? Images.PullAsync(Repository, "v1", Store, "pulled", options, ct)
                : Images.PushAsync(Store, "v1", Repository, "pushed", options, ct);
        }

        /// <summary>What the transfer has written so far: the pulled layout's files, or the count of requests sent.</summary>
        public Task<string> WrittenAsync() => Task.FromResult(Direction == Direction.Pull
            ? string.Join("\n", Store.FileSet())
            : $"{InFlight.Sent} requests");

        public async Task AssertCompleteAsync()
        {
            if (Direction == Direction.Pull)
            {
                Assert.Equal(Root, (await Store.ResolveTagAsync("pulled"))! with { Annotations = null });
                foreach (var digest in new OciLayout(Source.Directory).BlobDigests())
                    Assert.Equal(await File.ReadAllBytesAsync(Source.BlobPath(Digest.Parse(digest))),
                        await File.ReadAllBytesAsync(Store.Inner.BlobPath(Digest.Parse(digest))));
            }
            else
            {
                Assert.Equal(Root.Digest, (await Repository.Manifests.HeadAsync("pushed"))?.Digest);
                foreach (var blob in Blobs)
                    Assert.Equal(blob.Size, await Repository.Blobs.StatAsync(blob.Digest));
            }
        }

        /// <summary>No tag, no manifest, only the blobs that finished before the abort, and no partial blob anywhere.</summary>
        public async Task AssertNothingPublishedAsync(IEnumerable<int> completeBlobs)
        {
            var complete = completeBlobs.Select(i => Blobs[i].Digest).ToHashSet();
            if (Direction == Direction.Pull)
            {
                Assert.Null(await Store.ResolveTagAsync("pulled"));
                Assert.Empty(await Store.ListTagsAsync());
                Assert.DoesNotContain(Store.FileSet(), f => f.StartsWith(OciLayoutStore.IngestDirectoryName + "/", StringComparison.Ordinal));
                var stored = new OciLayout(Store.Inner.Directory).BlobDigests();
                Assert.Equal(complete.Select(d => d.ToString()).Order(StringComparer.Ordinal), stored);
                foreach (var digest in stored) // each one whole and verified
                    Assert.Equal(digest, Digest.Compute(await File.ReadAllBytesAsync(Store.Inner.BlobPath(Digest.Parse(digest)))).ToString());
            }
            else
            {
                Assert.Null(await Repository.Manifests.HeadAsync("pushed"));
                Assert.Null(await Repository.Manifests.HeadAsync(Root.Digest.ToString()));
                foreach (var blob in Blobs)
                    Assert.Equal(complete.Contains(blob.Digest) ? blob.Size : null, await Repository.Blobs.StatAsync(blob.Digest));
            }
        }

        public ValueTask DisposeAsync()
        {
            Http.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
