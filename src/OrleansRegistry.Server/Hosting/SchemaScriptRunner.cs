using Npgsql;
using OrleansRegistry.Storage.Schema;

namespace OrleansRegistry.Server.Hosting;

/// <summary>
/// <c>OrleansRegistry.Server.dll migrate [--wait] [--timeout SECONDS]</c>: the schema step of a deployment, run from the
/// same image as the silos (which has no psql).
/// <para><c>migrate</c> applies the shipped sql/*.sql (copied beside the binary by the .csproj) as
/// <see cref="SchemaScripts"/> says: in ordinal file-name order, each file's name and SHA-256 recorded in
/// <c>schema_scripts</c>. k8s/migrate-job.yaml runs it, and so do scripts/run, scripts/cluster and scripts/bench.</para>
/// <para><c>migrate --wait</c> changes nothing: it waits until every shipped file, with this image's exact content, is
/// recorded. The silos' initContainer runs it, so a silo never starts on an older schema than its image expects, while
/// the DDL (which briefly locks the tables silos write) runs once per version instead of at every pod start.</para>
/// Exit codes: 0 done, 1 failed or timed out (the message says why), 2 usage error.
/// </summary>
public static class SchemaScriptRunner
{
    public const string Command = "migrate";
    private const string Usage = "usage: OrleansRegistry.Server migrate [--wait] [--timeout SECONDS]";
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(2);

    public static bool IsRequested(string[] args) => args.Length > 0 && args[0] == Command;

    /// <summary>The sql/ directory shipped beside the server binary.</summary>
    public static string ScriptDirectory => Path.Combine(AppContext.BaseDirectory, "sql");

    public static async Task<int> RunAsync(string[] args)
    {
        var wait = false;
        var timeout = TimeSpan.FromMinutes(10);
        for (var i = 1; i < args.Length; i++)
        {
            if (args[i] == "--wait") wait = true;
            else if (args[i] == "--timeout" && i + 1 < args.Length && int.TryParse(args[++i], out var seconds) && seconds > 0)
                timeout = TimeSpan.FromSeconds(seconds);
            else return Fail(2, $"unexpected argument '{args[i]}'\n{Usage}");
        }

        // The server's own configuration sources: appsettings.json beside the binary, then the environment.
        var configuration = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true)
            .AddEnvironmentVariables()
            .Build();
        var connectionString = configuration.GetConnectionString("Registry");
        if (string.IsNullOrWhiteSpace(connectionString))
            return Fail(1, "ConnectionStrings:Registry is not set (env ConnectionStrings__Registry)");

        var scripts = SchemaScripts.In(ScriptDirectory);
        if (scripts.Count == 0) return Fail(1, $"no sql/*.sql scripts in {ScriptDirectory}");

        using var cts = new CancellationTokenSource(timeout);
        try
        {
            return wait
                ? await WaitAsync(connectionString, scripts, cts.Token)
                : await ApplyAsync(connectionString, scripts, cts.Token);
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            return Fail(1, $"timed out after {timeout.TotalSeconds:0} s");
        }
    }

    private static async Task<int> ApplyAsync(string connectionString, IReadOnlyList<string> scripts, CancellationToken ct)
    {
        NpgsqlConnection connection;
        try
        {
            connection = new NpgsqlConnection(connectionString); // a malformed string throws here
            await connection.OpenAsync(ct);
        }
        catch (Exception e) when (e is NpgsqlException or ArgumentException)
        {
            return Fail(1, $"cannot connect to PostgreSQL: {e.Message}");
        }
        await using var _ = connection;

        try
        {
            await SchemaScripts.ApplyAsync(connection, scripts,
                (name, elapsed) => Console.WriteLine($"migrate: applied {name} ({(long)elapsed.TotalMilliseconds} ms)"), ct);
        }
        catch (InvalidOperationException e) when (e.InnerException is NpgsqlException)
        {
            return Fail(1, e.Message);
        }
        Console.WriteLine($"migrate: schema up to date ({scripts.Count} scripts)");
        return 0;
    }

    private static async Task<int> WaitAsync(string connectionString, IReadOnlyList<string> scripts, CancellationToken ct)
    {
        var expected = new List<(string Name, string Sha256)>();
        foreach (var script in scripts)
            expected.Add((Path.GetFileName(script), SchemaScripts.Sha256(await File.ReadAllBytesAsync(script, ct))));

        string? lastReport = null;
        while (true)
        {
            string report;
            try
            {
                var missing = await MissingAsync(connectionString, expected, ct);
                if (missing.Count == 0)
                {
                    Console.WriteLine($"migrate: schema is ready ({expected.Count} scripts recorded)");
                    return 0;
                }
                report = $"waiting for the migrate Job to apply {string.Join(", ", missing)}";
            }
            catch (NpgsqlException e) when (!ct.IsCancellationRequested)
            {
                // PostgreSQL may still be starting; the wait covers that too.
                report = $"waiting for PostgreSQL: {e.Message}";
            }
            if (report != lastReport) Console.WriteLine($"migrate: {report}");
            lastReport = report;
            await Task.Delay(PollInterval, ct);
        }
    }

    private static async Task<List<string>> MissingAsync(string connectionString, List<(string Name, string Sha256)> expected,
        CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        await using (var exists = new NpgsqlCommand("SELECT to_regclass('schema_scripts') IS NOT NULL", connection))
        {
            if (!(bool)(await exists.ExecuteScalarAsync(ct))!) return expected.Select(e => e.Name).ToList();
        }

        var recorded = new HashSet<(string, string)>();
        await using var query = new NpgsqlCommand("SELECT file_name, sha256 FROM schema_scripts", connection);
        await using var reader = await query.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) recorded.Add((reader.GetString(0), reader.GetString(1)));
        return expected.Where(e => !recorded.Contains(e)).Select(e => e.Name).ToList();
    }

    private static int Fail(int exitCode, string message)
    {
        Console.Error.WriteLine($"migrate: {message}");
        return exitCode;
    }
}
