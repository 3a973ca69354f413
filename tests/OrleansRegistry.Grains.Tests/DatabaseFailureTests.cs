using Npgsql;
using OrleansRegistry.Core;
using OrleansRegistry.Grains.Abstractions;

namespace OrleansRegistry.Grains.Tests;

/// <summary>
/// A database failure inside a grain reaches a caller on another silo as Core's error, not as a driver exception that
/// Orleans cannot serialize (which surfaced as CodecNotFoundException, then a 500): DatabaseFailureFilter.
/// </summary>
public sealed class DatabaseFailureTests : IAsyncLifetime
{
    private RegistryTestCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await RegistryTestCluster.StartAsync(silos: 1);

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task A_dropped_database_connection_crosses_the_gateway_as_UNAVAILABLE_and_the_next_call_succeeds()
    {
        var repo = _cluster.Grains.Repository(RepositoryName.Parse("grains/db-failure"));
        var digest = Digest.Compute("m"u8);
        await repo.PutTag(Tag.Parse("warm"), digest); // the silo's pool now holds open connections

        await TerminateOtherBackendsAsync();

        // A cache miss goes to PostgreSQL on a pooled connection that the server has just closed.
        var error = await Assert.ThrowsAsync<RegistryException>(() => repo.ResolveTag(Tag.Parse("cold")));
        Assert.Same(ErrorCatalog.Unavailable, error.Descriptor);

        Assert.Null(await repo.ResolveTag(Tag.Parse("cold")));
        Assert.Equal(digest, await repo.ResolveTag(Tag.Parse("warm")));
    }

    private async Task TerminateOtherBackendsAsync()
    {
        await using var admin = new NpgsqlConnection(_cluster.ConnectionString);
        await admin.OpenAsync();
        await using var terminate = new NpgsqlCommand(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()",
            admin);
        Assert.True((long)(await terminate.ExecuteScalarAsync())! > 0);
    }
}
