using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using OrleansRegistry.Server.Tests.Infrastructure;
using OrleansRegistry.TestSupport;

namespace OrleansRegistry.Server.Tests.Api;

/// <summary>
/// Abandoned uploads expire (spec: "Cancel a blob upload": "the server SHOULD eventually timeout unfinished
/// uploads"; docs/architecture.md#upload-state-machine). Runs its own server with a short expiry and a 1 s sweep, so it does not share the
/// collection's server, whose sessions must not expire under other tests.
/// </summary>
/// <remarks>
/// The expiry is 5 s, not 2 s: the set-up below opens sessions and uses them, and on a loaded 2-core machine a
/// step can stall for seconds; a session that legitimately expires during set-up would fail the test for nothing.
/// </remarks>
public sealed class UploadExpiryTests : IAsyncLifetime
{
    private static readonly TimeSpan ExpiryDeadline = TimeSpan.FromSeconds(30);

    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), $"oreg-expiry-{Guid.NewGuid():N}");
    private RegistryProcess? _registry;

    private HttpClient Client => _registry!.Client;

    public async Task InitializeAsync()
    {
        var server = await PostgresServer.GetAsync();
        var connectionString = await server.CreateDatabaseAsync("expiry");
        Directory.CreateDirectory(_dataDirectory);
        _registry = await RegistryProcess.StartAsync(connectionString, _dataDirectory, new Dictionary<string, string>
        {
            ["Registry__Uploads__Expiry"] = "00:00:05",
            ["Registry__Uploads__SweepInterval"] = "00:00:01",
        });
    }

    public async Task DisposeAsync()
    {
        if (_registry is not null) await _registry.DisposeAsync();
        try { Directory.Delete(_dataDirectory, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public async Task An_abandoned_session_and_its_data_disappear_while_finished_blobs_stay()
    {
        try
        {
            await AbandonedSessionsExpireAsync();
        }
        catch (Exception e)
        {
            // Timing-dependent: keep what the server said, so a failure can be told apart from a stall.
            var output = _registry!.Output;
            throw new Xunit.Sdk.XunitException($"{e.Message}\n--- server output (last 8000 chars) ---\n{output[^Math.Min(output.Length, 8000)..]}", e);
        }
    }

    private async Task AbandonedSessionsExpireAsync()
    {
        var repo = TestImages.UniqueRepo("expiry");

        // Finished before the sweep runs: one monolithic, one through a session (POST then PUT).
        var monolithic = TestImages.RandomBytes(2000, 201);
        var monolithicDigest = await TestImages.PushBlobAsync(Client, repo, monolithic);
        var sessioned = TestImages.RandomBytes(2000, 202);
        var sessionedDigest = TestImages.Digest(sessioned);
        var (finishedLocation, _) = await TestImages.StartUploadAsync(Client, repo);
        using (var put = await Client.PutAsync(TestImages.WithDigest(finishedLocation, sessionedDigest), TestImages.Octets(sessioned)))
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);

        // Abandoned: one with data written, one never written to.
        var (withData, withDataId) = await TestImages.StartUploadAsync(Client, repo);
        using (var patch = await Client.PatchAsync(withData, TestImages.Octets(TestImages.RandomBytes(500, 203))))
            Assert.Equal(HttpStatusCode.Accepted, patch.StatusCode);
        var (empty, emptyId) = await TestImages.StartUploadAsync(Client, repo);
        Assert.True(File.Exists(UploadData(withDataId)), "the abandoned upload should have data before the sweep");

        await Eventually.TrueAsync(() => !Directory.Exists(UploadDirectory(withDataId)) && !Directory.Exists(UploadDirectory(emptyId)),
            ExpiryDeadline, $"the sweep to remove the abandoned uploads from {Path.Combine(_dataDirectory, "blobs", "uploads")}");

        // spec: code-3 BLOB_UPLOAD_UNKNOWN "The upload session was cancelled, has expired or was never started"
        foreach (var location in new[] { withData, empty })
        {
            using var status = await Client.GetAsync(location);
            Assert.Equal(HttpStatusCode.NotFound, status.StatusCode);
            Assert.Equal(["BLOB_UPLOAD_UNKNOWN"], await TestImages.ErrorCodesAsync(status));
            using var patch = await Client.PatchAsync(location, TestImages.Octets([1, 2, 3]));
            Assert.Equal(HttpStatusCode.NotFound, patch.StatusCode);
        }

        foreach (var (digest, data) in new[] { (monolithicDigest, monolithic), (sessionedDigest, sessioned) })
        {
            using var get = await Client.GetAsync($"v2/{repo}/blobs/{digest}");
            Assert.Equal(HttpStatusCode.OK, get.StatusCode);
            Assert.Equal(data, await get.Content.ReadAsByteArrayAsync());
        }
    }

    private string UploadDirectory(string uuid) => Path.Combine(_dataDirectory, "blobs", "uploads", uuid);

    private string UploadData(string uuid) => Path.Combine(UploadDirectory(uuid), "data");
}
