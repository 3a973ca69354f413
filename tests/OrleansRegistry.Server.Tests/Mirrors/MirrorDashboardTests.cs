using System.Text.Json;
using OrleansRegistry.Grains.Mirrors;
using OrleansRegistry.Server.Tests.Infrastructure;
using OrleansRegistry.TestSupport.Mirrors;

namespace OrleansRegistry.Server.Tests.Mirrors;

/// <summary>
/// The Orleans dashboard shows the mirror's grains beside the registry's others. Its grain list (the
/// <c>/dashboard/DashboardCounters</c> the page polls) names only grain types with activations now: a pulled tag keeps
/// its <see cref="MirrorTagGrain"/>, while a <see cref="MirrorBlobFetchGrain"/> lives as long as its fetch, so the pull
/// here runs against an upstream held to a trickle and the dashboard is read while the layer is still arriving. Once
/// the fetch has ended, the fetch grain's own page (<c>/dashboard/GrainStats/TYPE</c>) still counts its calls.
/// </summary>
public sealed class MirrorDashboardTests(MirrorRegistryFixture fixture) : IClassFixture<MirrorRegistryFixture>
{
    private const int LayerBytes = 16 << 20;
    private const int Trickle = 1 << 20; // bytes per second from the upstream while the dashboard is read mid-fetch

    // The dashboard recomputes its counters at most once a second, and its profiler submits the calls it counted each second.
    private static readonly TimeSpan Refresh = TimeSpan.FromSeconds(15);

    private static readonly string TagGrain = typeof(MirrorTagGrain).FullName!;
    private static readonly string FetchGrain = typeof(MirrorBlobFetchGrain).FullName!;

    private HttpClient Client => fixture.Mirror.Client;

    [Fact] // the dashboard shows the mirror grains: a tag grain and the running fetch's grain, then the fetch's calls
    public async Task A_pull_through_the_mirror_shows_its_tag_and_blob_fetch_grains_on_the_dashboard()
    {
        await StartCountingCallsAsync();
        var repo = TestImages.UniqueRepo("library/dashboard");
        var image = await fixture.Upstream.PushImageAsync(repo, "v1", seed: 501, LayerBytes);
        using var scratch = new TempDirectory();
        var pulled = new OciLayout(scratch.Child("pulled"));

        var grains = Array.Empty<JsonElement>();
        fixture.Proxy.Throttle(Trickle); // the layer takes 16 s to arrive: its fetch runs while the dashboard is read
        Task pull;
        try
        {
            pull = Skopeo.CopyAsync($"docker://{fixture.MirrorHost}/{MirrorFixture.Local(repo)}:v1", pulled.Reference("v1"));
            await Eventually.TrueAsync(async () =>
            {
                grains = await GrainListAsync();
                return Activations(grains, TagGrain) >= 1 && Activations(grains, FetchGrain) >= 1;
            }, Refresh, "the dashboard's grain list to show a tag grain and a blob fetch grain", () => Describe(grains));
        }
        finally
        {
            fixture.Proxy.PassThrough();
        }
        await pull;
        Assert.Equal(image.LargestLayer.Digest, TestImages.Digest(pulled.ReadBlob(image.LargestLayer.Digest)));

        // The tag grain stays with its calls counted; the fetch grain's page counts its Join calls after it is gone.
        await Eventually.TrueAsync(async () =>
        {
            grains = await GrainListAsync();
            return Activations(grains, TagGrain) >= 1 && Calls(grains, TagGrain) >= 1;
        }, Refresh, "the dashboard to count the tag grain's calls", () => Describe(grains));
        var page = "";
        await Eventually.TrueAsync(async () =>
        {
            page = await Client.GetStringAsync($"/dashboard/GrainStats/{FetchGrain}");
            return MethodCalls(page, $"{FetchGrain}.{nameof(MirrorBlobFetchGrain.Join)}") >= 1;
        }, Refresh, "the blob fetch grain's page to count its Join calls", () => page);
    }

    // The dashboard counts grain calls only while it is read (for a minute after each read): it is read until it counts
    // some (its own calls to the management grain), so the pull's calls are counted from the first.
    private Task StartCountingCallsAsync() =>
        Eventually.TrueAsync(async () =>
        {
            using var top = JsonDocument.Parse(await Client.GetStringAsync("/dashboard/TopGrainMethods"));
            return top.RootElement.GetProperty("calls").GetArrayLength() > 0;
        }, Refresh, "the dashboard to count grain calls");

    /// <summary>The dashboard's grain list: one entry per grain type and silo with activations now.</summary>
    private async Task<JsonElement[]> GrainListAsync()
    {
        using var counters = JsonDocument.Parse(await Client.GetStringAsync("/dashboard/DashboardCounters"));
        return counters.RootElement.GetProperty("simpleGrainStats").EnumerateArray().Select(e => e.Clone()).ToArray();
    }

    private static IEnumerable<JsonElement> OfType(JsonElement[] grains, string type) =>
        grains.Where(g => g.GetProperty("grainType").GetString() == type);

    private static int Activations(JsonElement[] grains, string type) => OfType(grains, type).Sum(g => g.GetProperty("activationCount").GetInt32());

    private static long Calls(JsonElement[] grains, string type) => OfType(grains, type).Sum(g => g.GetProperty("totalCalls").GetInt64());

    /// <summary>Calls of <paramref name="method"/> (<c>TYPE.METHOD</c>) over the periods of a grain page.</summary>
    private static long MethodCalls(string page, string method)
    {
        using var json = JsonDocument.Parse(page);
        return json.RootElement.TryGetProperty(method, out var periods)
            ? periods.EnumerateObject().Sum(p => p.Value.GetProperty("count").GetInt64())
            : 0;
    }

    private static string Describe(JsonElement[] grains) => string.Join('\n', grains.Select(g => g.GetRawText()));
}
