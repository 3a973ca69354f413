namespace OrleansRegistry.Server.Tests.Docs;

/// <summary>
/// docs/configuration.md keeps step with the code: every setting the server binds appears in one of its tables, and
/// every setting its tables name is one the server reads.
/// </summary>
public sealed class ConfigurationDocTests
{
    private static readonly string Doc = Path.Combine(PostgresServer.RepoRoot, "docs", "configuration.md");

    [Fact]
    public void Every_bound_setting_is_in_the_configuration_tables()
    {
        var documented = DocumentedSettings.Read(Doc);
        var missing = BoundSettings.All().Where(key => !documented.Any(d => SettingKeys.Covers(d, key))).ToList();
        Assert.True(missing.Count == 0, $"docs/configuration.md has no table row for: {string.Join(", ", missing)}");
    }

    [Fact]
    public void Every_documented_setting_is_one_the_server_reads()
    {
        var bound = BoundSettings.All();
        var unknown = DocumentedSettings.Read(Doc)
            // A list's own name (`Registry:Auth:Rules`) documents the settings of its items.
            .Where(d => !bound.Any(key => SettingKeys.Covers(d, key) || key.StartsWith(d + ":", StringComparison.OrdinalIgnoreCase)))
            .ToList();
        Assert.True(unknown.Count == 0, $"docs/configuration.md names settings the server does not read: {string.Join(", ", unknown)}");
    }

    [Fact]
    public void Every_options_class_of_the_registry_is_bound_or_says_why_not()
    {
        var reachable = BoundSettings.ReachableTypes();
        var assemblies = new[] { typeof(Program), typeof(Grains.Uploads.UploadOptions), typeof(Storage.Blobs.IBlobStore) }
            .Select(t => t.Assembly);
        var unaccounted = assemblies
            .SelectMany(a => a.GetTypes())
            .Where(t => t.IsPublic || t.IsNestedPublic)
            .Where(t => t.IsClass && t.Name.EndsWith("Options", StringComparison.Ordinal))
            .Where(t => !reachable.Contains(t) && !BoundSettings.NotBound.ContainsKey(t))
            .Select(t => t.FullName)
            .ToList();
        Assert.True(unaccounted.Count == 0,
            $"options classes neither in BoundSettings.Sections (with their section) nor in BoundSettings.NotBound: {string.Join(", ", unaccounted)}");
    }

    [Fact]
    public void The_key_reader_expands_abbreviations_and_indices()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllLines(path,
            [
                "| setting | env | default | meaning |",
                "|---|---|---|---|",
                "| `Registry:Auth:Token:SigningKey`, `…:SigningCertificate` | `Registry__Auth__Rules__0__Repository`, `…__Users__0` | x | `Registry:Not:This` |",
                "| `Registry:Limits:TrustedProxies:0`, `:1` | `Registry__Dashboard__…` | x | y |",
            ]);
            Assert.Equal(
                new[] { "Registry:Auth:Rules:#:Repository", "Registry:Auth:Rules:#:Users", "Registry:Auth:Token:SigningCertificate", "Registry:Auth:Token:SigningKey", "Registry:Limits:TrustedProxies" },
                DocumentedSettings.Read(path).Order(StringComparer.Ordinal));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
