using System.Net;
using System.Text.RegularExpressions;
using Npgsql;
using OrleansRegistry.Server.Hosting;
using OrleansRegistry.Server.Tests.Infrastructure;

namespace OrleansRegistry.Server.Tests.Lifecycle;

/// <summary>
/// <c>OrleansRegistry.Server.dll migrate</c> (k8s/migrate-job.yaml) and <c>migrate --wait</c> (the silos'
/// initContainer), run as the real server binary against real PostgreSQL databases.
/// </summary>
public sealed class MigrateTests : IDisposable
{
    private readonly TempDirectory _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task Migrate_creates_the_schema_on_an_empty_database_twice_over_and_a_registry_serves_on_it()
    {
        var connectionString = await EmptyDatabaseAsync("migrate");

        var first = await RunAsync(connectionString, SchemaScriptRunner.Command);
        Assert.True(first.ExitCode == 0, $"migrate failed:\n{first.Stderr}\n{first.StdoutText}");
        foreach (var script in PostgresServer.SqlScripts)
            Assert.Contains($"applied {Path.GetFileName(script)}", first.StdoutText);

        // Every table the scripts create exists, and the Orleans providers' named queries are there.
        var tables = PostgresServer.SqlScripts
            .SelectMany(s => Regex.Matches(File.ReadAllText(s), @"CREATE TABLE IF NOT EXISTS (\w+)", RegexOptions.IgnoreCase))
            .Select(m => m.Groups[1].Value.ToLowerInvariant()).ToList();
        Assert.Contains("orleansmembershiptable", tables);
        Assert.Contains("repositories", tables);
        Assert.Equal(tables.Order(), (await TablesAsync(connectionString)).Where(tables.Contains).Order());
        Assert.True(await ScalarAsync<long>(connectionString, "SELECT count(*) FROM OrleansQuery") > 10);

        // Applied again (a rerun Job, a second version of it): no error, nothing duplicated.
        var second = await RunAsync(connectionString, SchemaScriptRunner.Command);
        Assert.True(second.ExitCode == 0, $"second migrate failed:\n{second.Stderr}");
        Assert.Equal(PostgresServer.SqlScripts.Count, await ScalarAsync<long>(connectionString, "SELECT count(*) FROM schema_scripts"));

        // A registry started on the migrated database serves a push.
        await using var registry = await RegistryProcess.StartAsync(connectionString, _data.Path);
        var repo = TestImages.UniqueRepo("migrate/served");
        var blob = TestImages.RandomBytes(40_000, seed: 1701);
        var digest = await TestImages.PushBlobAsync(registry.Client, repo, blob);
        using var get = await registry.Client.GetAsync($"v2/{repo}/blobs/{digest}");
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal(blob, await get.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Wait_holds_until_migrate_has_recorded_this_binary_s_exact_scripts()
    {
        var connectionString = await EmptyDatabaseAsync("migrate_wait");

        // Nothing applied: the wait gives up at its timeout, naming what it waited for.
        var early = await RunAsync(connectionString, SchemaScriptRunner.Command, "--wait", "--timeout", "3");
        Assert.Equal(1, early.ExitCode);
        Assert.Contains("timed out", early.Stderr);
        Assert.Contains("10-registry.sql", early.StdoutText);

        // A wait already running when the Job migrates returns once the scripts are recorded.
        var waiting = RunAsync(connectionString, SchemaScriptRunner.Command, "--wait", "--timeout", "120");
        var migrate = await RunAsync(connectionString, SchemaScriptRunner.Command);
        Assert.True(migrate.ExitCode == 0, migrate.Stderr);
        var waited = await waiting;
        Assert.True(waited.ExitCode == 0, $"wait failed:\n{waited.Stderr}\n{waited.StdoutText}");
        Assert.Contains("schema is ready", waited.StdoutText);

        // A script recorded with other content (an older image's version) is not this binary's schema.
        await ExecuteAsync(connectionString, "UPDATE schema_scripts SET sha256 = 'older' WHERE file_name = '10-registry.sql'");
        var stale = await RunAsync(connectionString, SchemaScriptRunner.Command, "--wait", "--timeout", "3");
        Assert.Equal(1, stale.ExitCode);
        Assert.Contains("10-registry.sql", stale.StdoutText);
        Assert.DoesNotContain("00-orleans-main.sql", stale.StdoutText);
    }

    [Fact]
    public async Task Migrate_fails_with_a_clear_message_and_a_non_zero_exit()
    {
        var server = await PostgresServer.GetAsync();
        var missingDatabase = new NpgsqlConnectionStringBuilder(server.AdminConnectionString) { Database = $"absent_{Guid.NewGuid():N}" }.ConnectionString;
        var absent = await RunAsync(missingDatabase, SchemaScriptRunner.Command);
        Assert.Equal(1, absent.ExitCode);
        Assert.Contains("migrate: cannot connect to PostgreSQL", absent.Stderr);
        Assert.Contains("does not exist", absent.Stderr);

        var unset = await RunAsync("", SchemaScriptRunner.Command);
        Assert.Equal(1, unset.ExitCode);
        Assert.Contains("ConnectionStrings__Registry", unset.Stderr);

        var usage = await RunAsync(missingDatabase, SchemaScriptRunner.Command, "--frobnicate");
        Assert.Equal(2, usage.ExitCode);
        Assert.Contains("usage:", usage.Stderr);
    }

    private static async Task<string> EmptyDatabaseAsync(string prefix) =>
        await (await PostgresServer.GetAsync()).CreateDatabaseAsync(prefix, applySchema: false);

    private static Task<CommandResult> RunAsync(string connectionString, params string[] args) =>
        ExternalCommand.RunAsync("dotnet", [RegistryProcess.ServerDll, .. args],
            new Dictionary<string, string> { ["ConnectionStrings__Registry"] = connectionString, ["DOTNET_gcServer"] = "0" },
            TimeSpan.FromMinutes(3));

    private static async Task<List<string>> TablesAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'", connection);
        await using var reader = await cmd.ExecuteReaderAsync();
        var tables = new List<string>();
        while (await reader.ReadAsync()) tables.Add(reader.GetString(0));
        return tables;
    }

    private static async Task<T> ScalarAsync<T>(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, connection);
        return (T)(await cmd.ExecuteScalarAsync())!;
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, connection);
        await cmd.ExecuteNonQueryAsync();
    }
}
