using System.Net;
using System.Net.Http.Headers;
using OrleansRegistry.TestSupport.Network;

namespace OrleansRegistry.Client.Tests.TestBed;

/// <summary>
/// The upstream the mirror's tests count requests on: distribution's access log read back exactly as it prints it,
/// blob and manifest requests counted by method and status, and the same upstream down and back on its port with
/// its storage.
/// </summary>
public sealed class UpstreamRegistryFixtureTests : IAsyncLifetime
{
    private readonly UpstreamRegistryFixture _upstream = new();

    public Task InitializeAsync() => _upstream.InitializeAsync();

    public Task DisposeAsync() => _upstream.DisposeAsync();

    [Fact]
    public void An_access_log_line_of_distribution_2_8_2_parses_into_its_fields()
    {
        var entry = AccessLogEntry.TryParse(
            """127.0.0.1 - - [07/Dec/2026:13:56:50 +0000] "GET /v2/a/b/manifests/x?ns=foo HTTP/1.1" 404 91 "" "my agent \"q\"" """.TrimEnd());

        Assert.NotNull(entry);
        Assert.Equal("GET", entry.Method);
        Assert.Equal("/v2/a/b/manifests/x", entry.Path);
        Assert.Equal("ns=foo", entry.Query);
        Assert.Equal(404, entry.Status);
        Assert.Equal(91, entry.Bytes);
        Assert.Equal("my agent \"q\"", entry.UserAgent);
        Assert.Equal(new DateTimeOffset(2026, 12, 7, 13, 56, 50, TimeSpan.Zero), entry.Time);
        Assert.Null(AccessLogEntry.TryParse("""time="2026-12-07T13:56:50Z" level=error msg="response completed with error" """));
    }

    [Fact]
    public async Task Blob_and_manifest_requests_are_counted_by_method_and_status()
    {
        var image = await _upstream.PushImageAsync("team/counted", "v1", seed: 910, layerBytes: 200_000);
        var blob = $"v2/team/counted/blobs/{image.LargestLayer.Digest}";
        _upstream.ClearRequests();

        (await _upstream.Client.GetAsync(blob)).EnsureSuccessStatusCode();
        using (var range = new HttpRequestMessage(HttpMethod.Get, blob) { Headers = { Range = new RangeHeaderValue(0, 99) } })
            Assert.Equal(HttpStatusCode.PartialContent, (await _upstream.Client.SendAsync(range)).StatusCode);
        (await _upstream.Client.SendAsync(new HttpRequestMessage(HttpMethod.Head, blob))).EnsureSuccessStatusCode();
        Assert.Equal(HttpStatusCode.NotFound, (await _upstream.Client.GetAsync($"v2/team/counted/blobs/sha256:{new string('0', 64)}")).StatusCode);
        (await _upstream.Client.SendAsync(OciManifest(HttpMethod.Get, "v2/team/counted/manifests/v1"))).EnsureSuccessStatusCode();
        (await _upstream.Client.SendAsync(OciManifest(HttpMethod.Head, $"v2/team/counted/manifests/{image.ManifestDigest}"))).EnsureSuccessStatusCode();
        await _upstream.SettleAsync();

        Assert.Equal(2, _upstream.BlobGets(image.LargestLayer.Digest)); // the 200 and the 206; not the HEAD
        Assert.Equal(0, _upstream.BlobGets(image.Layers[0].Digest));
        Assert.Equal(1, _upstream.ManifestRequests("team/counted", "v1"));
        Assert.Equal(0, _upstream.ManifestRequests("team/counted", "v1", "HEAD"));
        Assert.Equal(1, _upstream.ManifestRequests("team/counted", image.ManifestDigest, "HEAD"));
        var full = _upstream.Requests.Single(r => r.Method == "GET" && r.Status == 200 && r.Path.EndsWith(image.LargestLayer.Digest));
        Assert.Equal(image.LargestLayer.Size, full.Bytes);
    }

    // distribution 2.8.2 answers 404 for an OCI manifest to a request that does not accept its media type.
    private static HttpRequestMessage OciManifest(HttpMethod method, string path) =>
        new(method, path) { Headers = { Accept = { new MediaTypeWithQualityHeaderValue("application/vnd.oci.image.manifest.v1+json") } } };

    [Fact]
    public async Task The_large_test_image_has_a_64_MiB_layer_the_upstream_serves_whole()
    {
        var image = await _upstream.PushImageAsync("team/large", "v1", seed: 913);

        Assert.True(image.LargestLayer.Size >= PushedImage.LargeLayerBytes, $"{image.LargestLayer.Size} bytes");
        using var head = await _upstream.Client.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"v2/team/large/blobs/{image.LargestLayer.Digest}"));
        Assert.Equal(image.LargestLayer.Size, head.EnsureSuccessStatusCode().Content.Headers.ContentLength);
        using var manifest = await _upstream.Client.SendAsync(OciManifest(HttpMethod.Head, "v2/team/large/manifests/v1"));
        Assert.Equal(image.ManifestDigest, manifest.EnsureSuccessStatusCode().Headers.GetValues("Docker-Content-Digest").Single());
    }

    [Fact]
    public async Task The_same_image_pushed_as_Docker_schema2_has_another_manifest_and_the_same_layers()
    {
        var oci = await _upstream.PushImageAsync("team/formats", "oci", seed: 914, layerBytes: 10_000);
        var docker = await _upstream.PushImageAsync("team/formats", "docker", seed: 914, layerBytes: 10_000, dockerSchema2: true);

        Assert.Equal("application/vnd.oci.image.manifest.v1+json", oci.MediaType);
        Assert.Equal(PushedImage.DockerSchema2MediaType, docker.MediaType);
        Assert.NotEqual(oci.ManifestDigest, docker.ManifestDigest);
        Assert.Equal(oci.Layers.Select(l => (l.Digest, l.Size)), docker.Layers.Select(l => (l.Digest, l.Size)));
        using var served = await _upstream.Client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "v2/team/formats/manifests/docker")
            { Headers = { Accept = { new MediaTypeWithQualityHeaderValue(PushedImage.DockerSchema2MediaType) } } });
        Assert.Equal(docker.ManifestDigest, served.EnsureSuccessStatusCode().Headers.GetValues("Docker-Content-Digest").Single());
    }

    [Fact]
    public async Task Stopped_the_upstream_refuses_connections_and_started_again_serves_its_storage_on_the_same_port()
    {
        var image = await _upstream.PushImageAsync("team/restarted", "v1", seed: 911, layerBytes: 10_000);
        var address = _upstream.HostPort;

        await _upstream.StopAsync();
        var down = await Assert.ThrowsAsync<HttpRequestException>(() => _upstream.Client.GetAsync("v2/"));
        Assert.Equal(System.Net.Sockets.SocketError.ConnectionRefused, (down.InnerException as System.Net.Sockets.SocketException)?.SocketErrorCode);

        await _upstream.StartAgainAsync();
        Assert.Equal(address, _upstream.HostPort);
        (await _upstream.Client.GetAsync($"v2/team/restarted/blobs/{image.LargestLayer.Digest}")).EnsureSuccessStatusCode();
        await _upstream.SettleAsync();
        Assert.Equal(1, _upstream.BlobGets(image.LargestLayer.Digest));
        Assert.Contains(_upstream.Requests, r => r.Method == "PUT" && r.Path == "/v2/team/restarted/manifests/v1"); // the log spans both runs
    }

    [Fact]
    public async Task A_blob_cut_by_the_fault_proxy_on_a_kept_alive_connection_is_a_broken_body_and_a_GET_the_upstream_logs()
    {
        var image = await _upstream.PushImageAsync("team/cut", "v1", seed: 912, layerBytes: 1 << 20);
        var blob = $"v2/team/cut/blobs/{image.LargestLayer.Digest}";
        await using var proxy = await FaultProxy.StartAsync(_upstream.HostPort);
        using var http = new HttpClient { BaseAddress = new Uri($"http://{proxy.HostPort}/"), Timeout = TimeSpan.FromSeconds(30) };
        (await http.GetAsync("v2/")).EnsureSuccessStatusCode(); // the connection the next GET reuses
        _upstream.ClearRequests();
        proxy.CutResponses(64 * 1024); // counted from here on that open connection

        await Assert.ThrowsAnyAsync<Exception>(() => http.GetByteArrayAsync(blob));
        var whole = await http.GetByteArrayAsync(blob);
        await _upstream.SettleAsync();

        Assert.Equal(2L, proxy.Connections); // the cut one, kept alive from the start, and a new one
        Assert.Equal(image.LargestLayer.Digest, TestData.Sha256(whole));
        Assert.Equal(2, _upstream.BlobGets(image.LargestLayer.Digest)); // distribution logs the cut GET as a 200 too
    }
}
