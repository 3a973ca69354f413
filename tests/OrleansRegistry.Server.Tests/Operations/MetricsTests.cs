using System.Diagnostics;
using System.Globalization;
using System.Net;
using OrleansRegistry.Server.Tests.Infrastructure;

namespace OrleansRegistry.Server.Tests.Operations;

/// <summary>
/// /metrics in Prometheus' text format: requests by spec resource (never by raw path), body bytes in and out, the
/// upload series and Orleans' own meter. The tests of this collection run one at a time, so the differences between
/// two scrapes are this test's requests alone.
/// </summary>
[Collection(RegistryCollection.Name)]
public sealed class MetricsTests(RegistryFixture fixture)
{
    private const string Requests = "http_server_request_duration_seconds_count";
    private const string BytesIn = "registry_http_request_body_bytes_total";
    private const string BytesOut = "registry_http_response_body_bytes_total";

    private HttpClient Client => fixture.Client;

    [Fact]
    public async Task A_push_and_pull_show_up_by_resource_status_and_bytes()
    {
        var repo = TestImages.UniqueRepo("ops/metrics");
        var before = await ScrapeAsync();

        var config = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"metrics\":1}"u8.ToArray();
        var layer = TestImages.RandomBytes(300_000, seed: 1201);
        await TestImages.PushBlobAsync(Client, repo, config);
        await TestImages.PushBlobAsync(Client, repo, layer);
        var manifest = TestImages.ImageManifest(config, [layer]);
        await TestImages.PushManifestAsync(Client, repo, "v1", manifest);
        using (var pulled = await Client.GetAsync($"v2/{repo}/blobs/{TestImages.Digest(layer)}"))
            Assert.Equal(layer, await pulled.Content.ReadAsByteArrayAsync());
        using (var missing = await Client.GetAsync($"v2/{repo}/manifests/nope"))
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);

        var expected = new Dictionary<(string Name, string Labels), double>
        {
            [(Requests, "http_request_method=\"POST\",http_response_status_code=\"201\",registry_route=\"upload_start\"")] = 2,
            [(Requests, "http_request_method=\"PUT\",http_response_status_code=\"201\",registry_route=\"manifest\"")] = 1,
            [(Requests, "http_request_method=\"GET\",http_response_status_code=\"200\",registry_route=\"blob\"")] = 1,
            [(Requests, "http_request_method=\"GET\",http_response_status_code=\"404\",registry_route=\"manifest\"")] = 1,
            [(BytesIn, "registry_route=\"upload_start\"")] = config.Length + layer.Length,
            [(BytesIn, "registry_route=\"manifest\"")] = manifest.Length,
            [(BytesOut, "registry_route=\"blob\"")] = layer.Length,
        };
        // Request metrics are recorded as each response completes, which may be just after the client has it.
        var after = await ScrapeUntilAsync(now => expected.All(e => Increase(before, now, e.Key) == e.Value));

        foreach (var (series, increase) in expected)
            Assert.True(Increase(before, after.Series, series) == increase,
                $"{series.Name}{{{series.Labels}}} rose by {Increase(before, after.Series, series)}, expected {increase}");
        Assert.True(Increase(before, after.Series, (BytesOut, "registry_route=\"manifest\"")) > 0); // the 404's error body
        Assert.DoesNotContain(repo, after.Text); // paths never become label values
        Assert.Contains(after.Series.Keys, s => s.Name == "registry_upload_reread_bytes_total");
        Assert.Contains(after.Series.Keys, s => s.Name == "registry_upload_writes_in_progress");
        Assert.Contains(after.Series.Keys, s => s.Name.StartsWith("orleans_", StringComparison.Ordinal));
    }

    [Fact] // an upload streaming now is counted as in progress, and its bytes are counted as they arrive, not at its end
    public async Task An_upload_in_flight_is_in_progress_and_its_bytes_count_while_it_streams()
    {
        const string InProgress = "registry_upload_writes_in_progress";
        var repo = TestImages.UniqueRepo("ops/inflight");
        var (location, _) = await TestImages.StartUploadAsync(Client, repo);
        var first = TestImages.RandomBytes(64 * 1024, seed: 1202);
        var rest = TestImages.RandomBytes(32 * 1024, seed: 1203);
        var before = await ScrapeAsync();
        var content = new HeldBackContent([.. first, .. rest], 0, first.Length + rest.Length, sendFirst: first.Length);

        var patch = Client.PatchAsync(location, content);
        try
        {
            var during = await ScrapeUntilAsync(now =>
                Sum(now, (InProgress, "")) == 1 && Increase(before, now, (BytesIn, "registry_route=\"upload\"")) == first.Length);
            Assert.Equal(1, Sum(during.Series, (InProgress, "")));
            Assert.Equal(first.Length, Increase(before, during.Series, (BytesIn, "registry_route=\"upload\"")));
        }
        finally
        {
            content.Release();
        }

        using (var response = await patch)
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var after = await ScrapeUntilAsync(now => Sum(now, (InProgress, "")) == 0);
        Assert.Equal(0, Sum(after.Series, (InProgress, "")));
        Assert.Equal(first.Length + rest.Length, Increase(before, after.Series, (BytesIn, "registry_route=\"upload\"")));
    }

    /// <summary>Sum of the series named <paramref name="series"/>.Name whose labels include every given one.</summary>
    private static double Sum(Dictionary<(string Name, string Labels), double> scrape, (string Name, string Labels) series)
    {
        var wanted = series.Labels.Split(',', StringSplitOptions.RemoveEmptyEntries);
        return scrape.Where(s => s.Key.Name == series.Name && wanted.All(l => s.Key.Labels.Split(',').Contains(l)))
            .Sum(s => s.Value);
    }

    private static double Increase(Dictionary<(string, string), double> before, Dictionary<(string, string), double> after,
        (string Name, string Labels) series) => Sum(after, series) - Sum(before, series);

    private async Task<(string Text, Dictionary<(string Name, string Labels), double> Series)> ScrapeUntilAsync(
        Func<Dictionary<(string Name, string Labels), double>, bool> done)
    {
        var watch = Stopwatch.StartNew();
        var (text, series) = await ScrapeWithTextAsync();
        for (var attempt = 0; attempt < 50 && watch.Elapsed < TimeSpan.FromSeconds(15) && !done(series); attempt++)
        {
            await Task.Delay(200);
            (text, series) = await ScrapeWithTextAsync();
        }
        return (text, series);
    }

    private async Task<Dictionary<(string Name, string Labels), double>> ScrapeAsync() => (await ScrapeWithTextAsync()).Series;

    /// <summary>GET /metrics, parsed: one entry per sample line, keyed by metric name and its labels as written.</summary>
    private async Task<(string Text, Dictionary<(string Name, string Labels), double> Series)> ScrapeWithTextAsync()
    {
        using var response = await Client.GetAsync("metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        var series = new Dictionary<(string, string), double>();
        foreach (var line in text.Split('\n'))
        {
            if (line.Length == 0 || line[0] == '#') continue;
            var open = line.IndexOf('{');
            var close = line.LastIndexOf('}');
            var name = open < 0 ? line[..line.IndexOf(' ')] : line[..open];
            var labels = open < 0 ? "" : line[(open + 1)..close];
            var value = line[((open < 0 ? name.Length : close + 1))..].Trim().Split(' ')[0];
            series[(name, labels)] = double.Parse(value, CultureInfo.InvariantCulture);
        }
        return (text, series);
    }
}
