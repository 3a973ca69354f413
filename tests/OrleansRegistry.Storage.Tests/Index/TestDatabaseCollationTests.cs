using OrleansRegistry.TestSupport;

namespace OrleansRegistry.Storage.Tests.Index;

/// <summary>
/// The byte-order tests (here PostgresRegistryIndexTests; TagListApiTests and CatalogApiTests through the server) show
/// that sql/10-registry.sql orders by COLLATE "C" only if the database would order differently without it. This pins
/// that: a test database's default collation is ICU's linguistic en-US, where 'a' &lt; 'B' and '_' &lt; '-' &lt; '.' &lt; '/'.
/// </summary>
public sealed class TestDatabaseCollationTests(PostgresDatabaseFixture db) : IClassFixture<PostgresDatabaseFixture>
{
    [Fact]
    public async Task Test_databases_sort_linguistically_not_in_byte_order()
    {
        await using (var locale = db.DataSource.CreateCommand(
                         "SELECT datlocprovider::text, daticulocale FROM pg_database WHERE datname = current_database()"))
        await using (var reader = await locale.ExecuteReaderAsync())
        {
            Assert.True(await reader.ReadAsync());
            Assert.Equal("i", reader.GetString(0)); // ICU
            Assert.Equal(PostgresServer.DefaultCollation, reader.GetString(1));
        }

        string[] names = ["B", "a", "a/b", "a.b", "a-b", "a_b", "A", "0"];
        await using var order = db.DataSource.CreateCommand("SELECT array_agg(x ORDER BY x) FROM unnest(@names) AS x");
        order.Parameters.AddWithValue("names", names);
        var sorted = (string[])(await order.ExecuteScalarAsync())!;

        Assert.Equal(["0", "a", "A", "a_b", "a-b", "a.b", "a/b", "B"], sorted);
        Assert.NotEqual(names.Order(StringComparer.Ordinal), sorted); // byte order: 0 A B a a-b a.b a/b a_b
    }
}
