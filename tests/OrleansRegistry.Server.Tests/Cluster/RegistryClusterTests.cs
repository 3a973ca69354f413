using System.Net;
using Npgsql;
using OrleansRegistry.Server.Tests.Infrastructure;

namespace OrleansRegistry.Server.Tests.Cluster;

/// <summary>
/// "Every silo is identical and accepts any request" (docs/architecture.md#shape), on <see cref="RegistryCluster"/>: three silos
/// on one database and one blob store; what one silo stored, the others serve.
/// </summary>
public sealed class RegistryClusterTests
{
    private const int SiloStatusActive = 3; // Orleans' SiloStatus.Active, as the membership table stores it

    [Fact]
    public async Task A_blob_pushed_through_one_silo_is_found_through_the_others_and_all_three_are_active()
    {
        await using var cluster = await RegistryCluster.CreateAsync(3);
        Assert.Equal(3, Enumerable.Range(0, 3).Select(cluster.ProcessId).Distinct().Count());
        Assert.Equal(3, Enumerable.Range(0, 3).Select(i => cluster.BaseAddress(i)).Distinct().Count());

        var repo = TestImages.UniqueRepo("cluster");
        var blob = TestImages.RandomBytes(70_001, seed: 1201);
        var digest = await TestImages.PushBlobAsync(cluster.Client(0), repo, blob);

        // spec "Checking if content exists in the registry": HEAD is 200 with the digest and the size in Content-Length.
        foreach (var silo in new[] { 1, 2 })
        {
            using var head = await cluster.Client(silo).SendAsync(new HttpRequestMessage(HttpMethod.Head, $"v2/{repo}/blobs/{digest}"));
            Assert.True(head.StatusCode == HttpStatusCode.OK, $"HEAD through silo {silo}: {(int)head.StatusCode}");
            Assert.Equal(blob.Length, head.Content.Headers.ContentLength);
            Assert.Equal(digest, head.Headers.GetValues("Docker-Content-Digest").Single());
        }

        await using var connection = new NpgsqlConnection(cluster.ConnectionString);
        await connection.OpenAsync();
        await using var query = new NpgsqlCommand(
            "SELECT port, proxyport FROM orleansmembershiptable WHERE deploymentid = @cluster AND status = @active", connection);
        query.Parameters.AddWithValue("cluster", cluster.ClusterId);
        query.Parameters.AddWithValue("active", SiloStatusActive);
        var active = new List<(int Silo, int Gateway)>();
        await using (var reader = await query.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync()) active.Add((reader.GetInt32(0), reader.GetInt32(1)));
        }
        var expected = Enumerable.Range(0, 3).Select(i => (cluster.Silo(i).SiloPort, cluster.Silo(i).GatewayPort)).Order();
        Assert.Equal(expected, active.Order());
    }
}
