using System.Net;
using OrleansRegistry.Server.Tests.Infrastructure;
using OrleansRegistry.TestSupport.Mirrors;

namespace OrleansRegistry.Server.Tests.Mirrors;

/// <summary>
/// The upstream down, hanging or dying mid-blob: a cached tag is still served, with the spec's <c>Warning: 299</c>
/// header; what is not cached gets 503 UNAVAILABLE with Retry-After, never a 500 or a hang; a blob whose upstream body
/// broke off is not committed, and the next pull fetches it whole.
/// </summary>
public sealed class MirrorUpstreamFailureTests(AlwaysCheckingMirrorFixture fixture) : IClassFixture<AlwaysCheckingMirrorFixture>
{
    private HttpClient Client => fixture.Mirror.Client;

    [Fact] // ServeStaleOnError: the cached digest with a Warning; an uncached tag: 503 with Retry-After
    public async Task With_the_upstream_stopped_a_cached_tag_is_served_stale_and_an_uncached_one_is_unavailable()
    {
        var repo = TestImages.UniqueRepo("library/down");
        var cached = await fixture.Upstream.PushImageAsync(repo, "cached", seed: 301, layerBytes: 10_000);
        await fixture.Upstream.PushImageAsync(repo, "never-pulled", seed: 302, layerBytes: 10_000);
        using (var first = await Client.GetManifestAsync(MirrorRegistryFixture.Local(repo), "cached"))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
            Assert.Empty(first.Headers.Warning);
        }

        await fixture.Upstream.StopAsync();
        try
        {
            using var stale = await Client.GetManifestAsync(MirrorRegistryFixture.Local(repo), "cached");
            using var uncached = await Client.GetManifestAsync(MirrorRegistryFixture.Local(repo), "never-pulled");

            Assert.Equal(HttpStatusCode.OK, stale.StatusCode);
            Assert.Equal(cached.ManifestDigest, stale.Headers.GetValues("Docker-Content-Digest").Single());
            var warning = Assert.Single(stale.Headers.Warning);
            Assert.Equal(299, warning.Code);
            Assert.Equal("-", warning.Agent);
            Assert.Contains("unavailable", warning.Text);

            Assert.Equal(HttpStatusCode.ServiceUnavailable, uncached.StatusCode);
            Assert.Equal("UNAVAILABLE", await MirrorRequests.ErrorCodeAsync(uncached));
            Assert.NotNull(uncached.Headers.RetryAfter);
        }
        finally
        {
            await fixture.Upstream.StartAgainAsync();
        }

        // A failed check is remembered a few seconds for the pulls queued behind it; then the upstream is asked again.
        await Eventually.TrueAsync(async () =>
        {
            using var fresh = await Client.GetManifestAsync(MirrorRegistryFixture.Local(repo), "never-pulled");
            return fresh.StatusCode == HttpStatusCode.OK && !fresh.Headers.Warning.Any();
        }, TimeSpan.FromSeconds(20), "the upstream asked again once it is back");
    }

    [Fact] // an upstream's 429 is UNAVAILABLE here (nothing cached to serve), and its Retry-After is passed on
    public async Task An_upstream_that_says_429_gives_503_with_its_retry_after()
    {
        using var response = await Client.GetManifestAsync($"{AlwaysCheckingMirrorFixture.RateLimitedPrefix}/library/alpine", "3");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("UNAVAILABLE", await MirrorRequests.ErrorCodeAsync(response));
        Assert.Equal(TimeSpan.FromSeconds(AlwaysCheckingMirrorFixture.RetryAfterSeconds), response.Headers.RetryAfter?.Delta);
        Assert.True(fixture.RateLimited.Requests >= 1);
    }

    [Fact] // a hanging upstream counts as down after UpstreamTimeout: an answer in seconds, not a hang
    public async Task A_stalled_upstream_gives_503_within_the_timeout()
    {
        var repo = TestImages.UniqueRepo("library/stalled");
        await fixture.Upstream.PushImageAsync(repo, "v1", seed: 303, layerBytes: 10_000);

        fixture.Proxy.Stall();
        try
        {
            using var bounded = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            using var response = await Client.SendAsync(MirrorRequests.Manifest(HttpMethod.Get, MirrorRegistryFixture.Local(repo), "v1"), bounded.Token);

            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Contains("no answer in time", await response.Content.ReadAsStringAsync());
        }
        finally
        {
            fixture.Proxy.PassThrough();
        }
    }

    [Fact] // an upstream body broken off on every attempt: nothing committed, the reader's body cut short; then a whole fetch
    public async Task A_blob_whose_upstream_dies_midway_is_not_committed_and_the_next_pull_succeeds()
    {
        var repo = TestImages.UniqueRepo("library/cut");
        var image = await fixture.Upstream.PushImageAsync(repo, "v1", seed: 304, layerBytes: 16 << 20);
        var layer = image.LargestLayer;
        var path = $"/v2/{MirrorRegistryFixture.Local(repo)}/blobs/{layer.Digest}";

        fixture.Proxy.CutResponses(4 << 20, everyConnection: true);
        try
        {
            await Assert.ThrowsAnyAsync<Exception>(async () =>
            {
                using var response = await Client.GetAsync(path, HttpCompletionOption.ResponseHeadersRead);
                response.EnsureSuccessStatusCode();
                await (await response.Content.ReadAsStreamAsync()).CopyToAsync(Stream.Null);
            });
        }
        finally
        {
            fixture.Proxy.PassThrough();
        }
        Assert.Equal(0L, await MirrorRequests.CountAsync(fixture.Mirror.ConnectionString, "blobs WHERE digest = @r", layer.Digest));

        var bytes = await Client.GetByteArrayAsync(path);
        Assert.Equal(layer.Digest, TestImages.Digest(bytes));
        await MirrorRequests.CountBecomesAsync(fixture.Mirror.ConnectionString, "blobs WHERE digest = @r", layer.Digest, 1);
    }

    [Fact] // the upstream's process stopped mid-blob (not just a cut connection): nothing committed; once it is back, a whole fetch
    public async Task A_blob_whose_upstream_process_stops_midway_is_not_committed_and_is_fetched_when_it_is_back()
    {
        var repo = TestImages.UniqueRepo("library/stopped");
        var image = await fixture.Upstream.PushImageAsync(repo, "v1", seed: 305, layerBytes: 16 << 20);
        var layer = image.LargestLayer;
        var path = $"/v2/{MirrorRegistryFixture.Local(repo)}/blobs/{layer.Digest}";

        var stopped = false;
        fixture.Proxy.Throttle(2 << 20); // 8 s for the layer: still running when the upstream goes
        try
        {
            using var bounded = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            using var response = await Client.GetAsync(path, HttpCompletionOption.ResponseHeadersRead, bounded.Token);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            await using var body = await response.Content.ReadAsStreamAsync(bounded.Token);
            await body.ReadExactlyAsync(new byte[64 * 1024], bounded.Token);

            await fixture.Upstream.StopAsync();
            stopped = true;
            await Assert.ThrowsAnyAsync<Exception>(() => body.CopyToAsync(Stream.Null, bounded.Token));
            Assert.False(bounded.IsCancellationRequested, "the reader waited a minute instead of seeing its body cut short");
            Assert.Equal(0L, await MirrorRequests.CountAsync(fixture.Mirror.ConnectionString, "blobs WHERE digest = @r", layer.Digest));
        }
        finally
        {
            fixture.Proxy.PassThrough();
            if (stopped) await fixture.Upstream.StartAgainAsync();
        }

        var bytes = await Client.GetByteArrayAsync(path);
        Assert.Equal(layer.Digest, TestImages.Digest(bytes));
        await MirrorRequests.CountBecomesAsync(fixture.Mirror.ConnectionString, "blobs WHERE digest = @r", layer.Digest, 1);
    }
}
