using System.Diagnostics;
using System.Reflection;
using Npgsql;
using OrleansRegistry.Storage.Schema;
using OrleansRegistry.TestSupport.Network;

namespace OrleansRegistry.TestSupport;

/// <summary>
/// The PostgreSQL server of a test process, shared by every test in it. With <c>ConnectionStrings__Registry</c>
/// set (as scripts/test does) that server is used; otherwise a private throwaway PostgreSQL 15 is started
/// under a temporary directory and removed at process exit. Tests get isolation from fresh databases
/// (<see cref="CreateDatabaseAsync"/>), not from fresh servers.
/// </summary>
public sealed class PostgresServer
{
    private const string PgBin = "/usr/lib/postgresql/15/bin";
    private const string TempPrefix = "orleansregistry-pg-";

    private static readonly Lazy<Task<PostgresServer>> Instance = new(StartAsync);
    private static readonly Lazy<string> Root = new(FindRepoRoot);

    /// <summary>
    /// The default collation of every test database: ICU's linguistic en-US order, as production clusters commonly
    /// have (en_US.UTF-8), where 'a' &lt; 'B' and '_' &lt; '-'. A query or column missing COLLATE "C" then shows up as
    /// wrong ordering in the byte-order tests instead of passing by luck on a C-locale test server.
    /// </summary>
    public const string DefaultCollation = "en-US";

    private readonly string _adminConnectionString;

    private PostgresServer(string adminConnectionString)
    {
        _adminConnectionString = adminConnectionString;
    }

    /// <summary>The checkout's root: the nearest ancestor of the test binaries holding OrleansRegistry.sln(x).</summary>
    public static string RepoRoot => Root.Value;

    /// <summary>The sql/*.sql files in the order they are applied (ordinal file-name order).</summary>
    public static IReadOnlyList<string> SqlScripts =>
        SchemaScripts.In(Path.Combine(RepoRoot, "sql"));

    /// <summary>A connection string to the server's maintenance database, as given or as started.</summary>
    public string AdminConnectionString => _adminConnectionString;

    public static Task<PostgresServer> GetAsync() => Instance.Value;

    /// <summary>
    /// Creates a new, uniquely named database with every sql/ script applied (unless <paramref name="applySchema"/> is
    /// false: an empty database, as an operator would hand over) and returns its connection string.
    /// </summary>
    public async Task<string> CreateDatabaseAsync(string prefix, bool applySchema = true)
    {
        var name = UniqueDatabaseName(prefix);
        await using (var admin = new NpgsqlConnection(_adminConnectionString))
        {
            await admin.OpenAsync();
            // Linguistic default collation (DefaultCollation); LC_COLLATE/LC_CTYPE 'C' need no OS locale installed.
            await using var cmd = new NpgsqlCommand(
                $"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8' LOCALE_PROVIDER icu ICU_LOCALE '{DefaultCollation}' LC_COLLATE 'C' LC_CTYPE 'C'",
                admin);
            await cmd.ExecuteNonQueryAsync();
        }

        var connectionString = new NpgsqlConnectionStringBuilder(_adminConnectionString) { Database = name }.ConnectionString;
        if (applySchema)
            await ApplySchemaAsync(connectionString);
        return connectionString;
    }

    /// <summary>Applies every sql/*.sql file, in order, to the database of <paramref name="connectionString"/>, as the
    /// <c>migrate</c> does (<see cref="SchemaScripts"/>: their checksums are recorded too).</summary>
    public static async Task ApplySchemaAsync(string connectionString, CancellationToken ct = default)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        await SchemaScripts.ApplyAsync(connection, SqlScripts, ct: ct);
    }

    private static string UniqueDatabaseName(string prefix)
    {
        var clean = new string(prefix.ToLowerInvariant().Where(c => c is >= 'a' and <= 'z' or >= '0' and <= '9' or '_').ToArray());
        if (clean.Length == 0)
        {
            clean = "test";
        }

        // PostgreSQL truncates identifiers at 63 bytes; keep the unique suffix intact.
        var suffix = "_" + Guid.NewGuid().ToString("N")[..16];
        return clean[..Math.Min(clean.Length, 63 - suffix.Length)] + suffix;
    }

    private static async Task<PostgresServer> StartAsync()
    {
        var given = Environment.GetEnvironmentVariable("ConnectionStrings__Registry");
        var admin = string.IsNullOrWhiteSpace(given) ? await PrivateServer.StartAsync() : given;
        await RequireIcuAsync(admin);
        return new PostgresServer(admin);
    }

    // Without ICU the test databases would sort in byte order like the registry's columns do, and the byte-order
    // tests would prove nothing: refuse, rather than fall back.
    private static async Task RequireIcuAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM pg_collation WHERE collprovider = 'i')", connection);
        if (!(bool)(await cmd.ExecuteScalarAsync())!)
        {
            throw new InvalidOperationException(
                $"the test PostgreSQL ({connection.Host}:{connection.Port}) has no ICU collations: test databases need ICU's '{DefaultCollation}' " +
                "as their default collation (PostgreSQL 15 built with ICU, as Debian's postgresql-15 is)");
        }
    }

    private static string FindRepoRoot()
    {
        // Binaries built with --artifacts-path live outside the checkout: then the checkout this assembly
        // was built from (recorded by the .csproj) is the answer.
        var builtFrom = typeof(PostgresServer).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "OrleansRegistry.RepoRoot")?.Value;
        foreach (var start in new[] { AppContext.BaseDirectory, builtFrom })
        {
            for (var dir = start is null ? null : new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "OrleansRegistry.sln")) ||
                    File.Exists(Path.Combine(dir.FullName, "OrleansRegistry.slnx")))
                {
                    return dir.FullName;
                }
            }
        }

        throw new InvalidOperationException($"No OrleansRegistry.sln(x) above {AppContext.BaseDirectory} or {builtFrom}.");
    }

    /// <summary>The throwaway server: initdb + pg_ctl in a temp directory, as the postgres user when root.</summary>
    private static class PrivateServer
    {
        public static async Task<string> StartAsync()
        {
            if (!File.Exists(Path.Combine(PgBin, "pg_ctl")))
            {
                throw new InvalidOperationException(
                    $"{PgBin}/pg_ctl not found: install postgresql-15 or set ConnectionStrings__Registry.");
            }

            RemoveOrphans();
            var dir = Directory.CreateTempSubdirectory($"{TempPrefix}{Environment.ProcessId}-").FullName;
            var data = Path.Combine(dir, "data");
            if (Environment.IsPrivilegedProcess)
            {
                await RunAsync("chown", ["postgres:postgres", dir]);
            }

            await RunAsPostgresAsync([Path.Combine(PgBin, "initdb"), "-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"]);

            // No port-0 bind for PostgreSQL: a picked port may be taken before postgres binds it, then it starts again.
            return await BindRetry.StartAsync("private PostgreSQL", async attempt =>
            {
                var port = LoopbackPorts.Candidate();
                var log = Path.Combine(dir, $"postgres-{attempt}.log"); // one per attempt: only this attempt's failure counts
                try
                {
                    // fsync off: this server's data is thrown away, durability would only slow the tests.
                    await RunAsPostgresAsync([
                        Path.Combine(PgBin, "pg_ctl"), "-D", data, "-l", log, "-w", "-t", "60",
                        "-o", $"-k {dir} -p {port} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300",
                        "start"]);
                }
                catch (InvalidOperationException e) when (File.Exists(log) && PortInUseException.IsReportedIn(File.ReadAllText(log)))
                {
                    throw new PortInUseException($"PostgreSQL could not bind 127.0.0.1:{port}: {File.ReadAllText(log)}", e);
                }
                StartReaper(dir);
                return $"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres";
            });
        }

        // The test host may be killed right after the last test (no time for ProcessExit handlers) or with
        // kill -9: a detached watcher outlives it, then stops the server and deletes its directory.
        private static void StartReaper(string dir)
        {
            string[] stop = [Path.Combine(PgBin, "pg_ctl"), "-D", Path.Combine(dir, "data"), "-m", "immediate", "-w", "stop"];
            var stopCommand = Environment.IsPrivilegedProcess
                ? $"su postgres -s /bin/bash -c {ShellQuote(string.Join(' ', stop.Select(ShellQuote)))}"
                : string.Join(' ', stop.Select(ShellQuote));
            var script = $"""
                exec >/dev/null 2>&1 </dev/null
                while kill -0 {Environment.ProcessId}; do sleep 0.5; done
                {stopCommand}
                rm -rf {ShellQuote(dir)}
                """;
            var info = new ProcessStartInfo("setsid") { UseShellExecute = false };
            foreach (var arg in new[] { "-f", "/bin/bash", "-c", script })
            {
                info.ArgumentList.Add(arg);
            }

            using var reaper = Process.Start(info) ?? throw new InvalidOperationException("Could not start setsid.");
        }

        private static void Stop(string dir)
        {
            try
            {
                RunAsPostgresAsync([Path.Combine(PgBin, "pg_ctl"), "-D", Path.Combine(dir, "data"), "-m", "immediate", "-w", "stop"])
                    .GetAwaiter().GetResult();
            }
            catch (InvalidOperationException)
            {
                // Already stopped; the directory still goes.
            }

            // The last postgres processes may still be closing files when pg_ctl returns.
            for (var attempt = 0; attempt < 20 && Directory.Exists(dir); attempt++)
            {
                try
                {
                    Directory.Delete(dir, recursive: true);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    Thread.Sleep(100);
                }
            }
        }

        // Left-overs whose reaper never ran (a reboot, a killed session): the next run stops and removes them.
        private static void RemoveOrphans()
        {
            foreach (var dir in Directory.GetDirectories(Path.GetTempPath(), TempPrefix + "*"))
            {
                var pidText = Path.GetFileName(dir)[TempPrefix.Length..].Split('-')[0];
                if (!int.TryParse(pidText, out var pid) || IsAlive(pid))
                {
                    continue;
                }

                Stop(dir);
            }
        }

        private static bool IsAlive(int pid)
        {
            try
            {
                using var process = Process.GetProcessById(pid);
                return !process.HasExited;
            }
            catch (ArgumentException)
            {
                return false;
            }
        }

        // PostgreSQL refuses to run as root.
        private static Task RunAsPostgresAsync(string[] args) =>
            Environment.IsPrivilegedProcess
                ? RunAsync("su", ["postgres", "-s", "/bin/bash", "-c", string.Join(' ', args.Select(ShellQuote))])
                : RunAsync(args[0], args[1..]);

        private static string ShellQuote(string s) => "'" + s.Replace("'", "'\\''") + "'";

        private static async Task RunAsync(string file, string[] args)
        {
            var info = new ProcessStartInfo(file)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var arg in args)
            {
                info.ArgumentList.Add(arg);
            }

            using var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {file}.");
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException(
                    $"{file} {string.Join(' ', args)} exited with {process.ExitCode}: {await stderr}{await stdout}");
            }
        }
    }
}
