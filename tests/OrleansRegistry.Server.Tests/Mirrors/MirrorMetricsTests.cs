using OrleansRegistry.Server.Tests.Infrastructure;
using OrleansRegistry.Server.Tests.Interop;
using OrleansRegistry.TestSupport.Mirrors;

namespace OrleansRegistry.Server.Tests.Mirrors;

/// <summary>
/// The mirror's instruments on /metrics under the Prometheus names docs/mirrors.md gives them, each labelled with the
/// upstream's namespace: a cold pull counts misses, upstream requests and fetched bytes, a second pull hits and is
/// served from the cache.
/// </summary>
public sealed class MirrorMetricsTests(MirrorRegistryFixture fixture, InteropLayouts layouts)
    : IClassFixture<MirrorRegistryFixture>, IClassFixture<InteropLayouts>
{
    [Fact] // the names an operator finds in docs/mirrors.md are the ones /metrics exports
    public async Task A_cold_then_warm_pull_shows_up_under_the_documented_names()
    {
        var upstream = fixture.Upstream.HostPort;
        var repo = TestImages.UniqueRepo("library/metrics");
        await Skopeo.CopyAsync(layouts.Image.Reference("v1"), $"docker://{upstream}/{repo}:v1");
        using var scratch = new TempDirectory();
        var source = $"docker://{fixture.MirrorHost}/{MirrorRegistryFixture.Prefix}/{repo}:v1";

        await Skopeo.CopyAsync(source, new OciLayout(scratch.Child("cold")).Reference("v1"));
        await Skopeo.CopyAsync(source, new OciLayout(scratch.Child("warm")).Reference("v1"));
        var text = await fixture.Mirror.Client.GetStringAsync("/metrics");

        var label = $"upstream=\"{fixture.UpstreamNamespace}\"";
        foreach (var name in new[]
                 {
                     "registry_mirror_hits_total", "registry_mirror_misses_total", "registry_mirror_upstream_requests_total",
                     "registry_mirror_fetched_bytes_total", "registry_mirror_served_bytes_total", "registry_mirror_fetches",
                 })
            Assert.Contains(text.Split('\n'), line => line.StartsWith(name + "{", StringComparison.Ordinal) && line.Contains(label, StringComparison.Ordinal));
        Assert.Contains(text.Split('\n'), line => line.StartsWith("registry_mirror_upstream_requests_total{", StringComparison.Ordinal)
            && line.Contains("status=\"200\"", StringComparison.Ordinal));
    }
}
