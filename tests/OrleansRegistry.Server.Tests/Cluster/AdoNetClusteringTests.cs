using System.Net;
using Npgsql;
using OrleansRegistry.Server.Tests.Infrastructure;
using OrleansRegistry.TestSupport;

namespace OrleansRegistry.Server.Tests.Cluster;

/// <summary>
/// `Registry:Clustering=AdoNet` puts silo membership in the registry's PostgreSQL, through the real Orleans
/// ADO.NET clustering provider and the tables and queries of sql/02-orleans-clustering.sql.
/// </summary>
public sealed class AdoNetClusteringTests
{
    [Fact]
    public async Task Silo_joins_membership_in_postgres_and_serves_the_api()
    {
        var server = await PostgresServer.GetAsync();
        var connectionString = await server.CreateDatabaseAsync("cluster");
        var dataDirectory = Path.Combine(Path.GetTempPath(), $"oreg-cluster-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dataDirectory);
        try
        {
            await using var registry = await RegistryProcess.StartAsync(connectionString, dataDirectory,
                new Dictionary<string, string> { ["Registry__Clustering"] = "AdoNet" });

            var repo = TestImages.UniqueRepo("cluster");
            var (manifest, _) = await TestImages.PushImageAsync(registry.Client, repo, "v1");
            using var pulled = await registry.Client.GetAsync($"v2/{repo}/manifests/v1");
            Assert.Equal(HttpStatusCode.OK, pulled.StatusCode);
            Assert.Equal(manifest, await pulled.Content.ReadAsByteArrayAsync());

            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            await using var query = new NpgsqlCommand("SELECT count(*) FROM orleansmembershiptable WHERE status = 3", connection);
            Assert.Equal(1L, (long)(await query.ExecuteScalarAsync())!); // 3 = SiloStatus.Active
        }
        finally
        {
            try { Directory.Delete(dataDirectory, recursive: true); } catch (IOException) { }
        }
    }
}
