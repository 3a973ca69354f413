using Npgsql;
using Xunit;

namespace OrleansRegistry.TestSupport;

/// <summary>
/// xunit class fixture: one fresh database (sql/ applied) per test class, on the process-wide
/// <see cref="PostgresServer"/>. Tests sharing it keep apart by using their own repository names; a test that
/// needs a whole table to itself asks <see cref="Server"/> for another database.
/// </summary>
public sealed class PostgresDatabaseFixture : IAsyncLifetime
{
    private PostgresServer? _server;
    private string? _connectionString;
    private NpgsqlDataSource? _dataSource;

    public PostgresServer Server => _server ?? throw NotInitialized();

    public string ConnectionString => _connectionString ?? throw NotInitialized();

    public NpgsqlDataSource DataSource => _dataSource ?? throw NotInitialized();

    public async Task InitializeAsync()
    {
        _server = await PostgresServer.GetAsync();
        _connectionString = await _server.CreateDatabaseAsync("fixture");
        _dataSource = NpgsqlDataSource.Create(_connectionString);
    }

    public async Task DisposeAsync()
    {
        if (_dataSource is not null)
        {
            await _dataSource.DisposeAsync();
        }
    }

    private static InvalidOperationException NotInitialized() => new("The fixture has not been initialised by xunit yet.");
}
