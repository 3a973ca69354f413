using System.Net;
using System.Text.Json;
using Npgsql;

namespace OrleansRegistry.Server.Tests.Operations;

/// <summary>
/// /healthz (liveness: the process answers) and /readyz (readiness: PostgreSQL, the blob store and this silo's
/// membership), against the real server with its dependencies really failing. A private server: its database is
/// closed to connections and its blob store broken for a while.
/// </summary>
public sealed class HealthTests(RegistryFixture fixture) : IClassFixture<RegistryFixture>
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    private HttpClient Client => fixture.Client;

    [Fact]
    public async Task Liveness_answers_ok()
    {
        using var response = await Client.GetAsync("healthz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ok", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Readiness_is_200_with_every_check_healthy()
    {
        using var response = await Client.GetAsync("readyz");

        var (status, failing, checks) = await ReadAsync(response);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", status);
        Assert.Empty(failing);
        Assert.Equal(["blob-store", "orleans-silo", "postgresql"], checks.Keys.Order());
        Assert.Contains("is Active", checks["orleans-silo"]);
    }

    [Fact] // the database really refuses: connections closed by PostgreSQL and no new ones accepted, then reopened
    public async Task Readiness_is_503_naming_postgresql_while_the_database_refuses_connections_and_200_after()
    {
        var database = new NpgsqlConnectionStringBuilder(fixture.ConnectionString).Database!;
        var server = await PostgresServer.GetAsync();
        await using var admin = new NpgsqlConnection(server.AdminConnectionString);
        await admin.OpenAsync();
        await Execute(admin, $"ALTER DATABASE \"{database}\" ALLOW_CONNECTIONS false");
        try
        {
            await using (var terminate = new NpgsqlCommand(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = @db", admin))
            {
                terminate.Parameters.AddWithValue("db", database);
                await terminate.ExecuteScalarAsync();
            }

            using var response = await Client.GetAsync("readyz");
            var (status, failing, checks) = await ReadAsync(response);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Equal("Unhealthy", status);
            Assert.Equal(["postgresql"], failing);
            Assert.Contains("PostgreSQL", checks["postgresql"]);

            using var live = await Client.GetAsync("healthz"); // liveness checks no dependency: no restart for this
            Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        }
        finally
        {
            await Execute(admin, $"ALTER DATABASE \"{database}\" ALLOW_CONNECTIONS true");
        }

        // Pooled connections that PostgreSQL closed fail once each before the pool replaces them: ready again soon.
        await Eventually.TrueAsync(async () =>
        {
            using var response = await Client.GetAsync("readyz");
            return response.StatusCode == HttpStatusCode.OK;
        }, Bound, "readiness 200 again");
    }

    [Fact]
    public async Task Readiness_is_503_naming_the_blob_store_when_its_uploads_directory_is_unusable_and_200_after()
    {
        using (new BrokenUploadsDirectory(fixture.DataDirectory))
        {
            using var response = await Client.GetAsync("readyz");
            var (_, failing, checks) = await ReadAsync(response);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Equal(["blob-store"], failing);
            Assert.Contains("uploads", checks["blob-store"]);
        }

        using var after = await Client.GetAsync("readyz");
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    /// <summary>The readiness body: overall status, the failing checks' names, every check's description by name.</summary>
    private static async Task<(string Status, string[] Failing, Dictionary<string, string> Checks)> ReadAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = body.RootElement;
        return (
            root.GetProperty("status").GetString()!,
            root.GetProperty("failing").EnumerateArray().Select(e => e.GetString()!).ToArray(),
            root.GetProperty("checks").EnumerateArray().ToDictionary(
                c => c.GetProperty("name").GetString()!,
                c => $"{c.GetProperty("status").GetString()}: {c.GetProperty("description").GetString()}"));
    }

    private static async Task Execute(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
