using System.Net;
using System.Net.Http.Headers;
using Npgsql;
using OrleansRegistry.Server.Tests.Infrastructure;

namespace OrleansRegistry.Server.Tests.Lifecycle;

/// <summary>
/// An upload's finish (docs/architecture.md#upload-state-machine) commits the bytes under their digest, then links the blob into the repository.
/// A database connection lost between the two must not lose the upload (its data has already moved to the digest):
/// the link is retried and the PUT still answers 201. Elsewhere a lost database connection is 503 UNAVAILABLE, which
/// clients retry, never 500 UNKNOWN. The failure is real: the registry's own connection, blocked on a table lock this
/// test holds, is terminated by PostgreSQL. A private server, since the lock would stall others.
/// </summary>
public sealed class DatabaseFailureTests(RegistryFixture fixture) : IClassFixture<RegistryFixture>
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    private HttpClient Client => fixture.Client;

    [Theory]
    [InlineData(false)] // PUT ?digest= closing a session (end-6)
    [InlineData(true)] // monolithic POST ?digest= (end-4b)
    public async Task A_connection_lost_while_linking_a_verified_blob_is_retried_and_the_blob_is_served(bool monolithic)
    {
        var repo = TestImages.UniqueRepo("dbfail/link");
        var data = TestImages.RandomBytes(200_000, seed: monolithic ? 911 : 912);
        var digest = TestImages.Digest(data);
        string? location = null;
        if (!monolithic)
        {
            (location, _) = await TestImages.StartUploadAsync(Client, repo);
            using var patch = await Client.PatchAsync(location, TestImages.Octets(data));
            Assert.Equal(HttpStatusCode.Accepted, patch.StatusCode);
        }

        using (var response = await WithConnectionKilledAsync("blob_links", () => monolithic
                   ? Client.PostAsync($"v2/{repo}/blobs/uploads/?digest={digest}", TestImages.Octets(data))
                   : Client.PutAsync(TestImages.WithDigest(location!, digest), TestImages.Octets([]))))
        {
            Assert.True(response.StatusCode == HttpStatusCode.Created,
                $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            Assert.Equal(digest, TestImages.HeaderValue(response, "Docker-Content-Digest"));
        }

        using var get = await Client.GetAsync($"v2/{repo}/blobs/{digest}");
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal(data, await get.Content.ReadAsByteArrayAsync());
        if (location is not null)
        {
            using var status = await Client.GetAsync(location); // the session finished: spec code-3
            Assert.Equal(HttpStatusCode.NotFound, status.StatusCode);
        }
    }

    [Fact] // spec "Error Codes": UNAVAILABLE (503) is the retryable answer; a lost database must not be a 500 UNKNOWN
    public async Task A_connection_lost_under_a_tags_list_is_503_UNAVAILABLE_and_the_next_request_is_served()
    {
        var repo = TestImages.UniqueRepo("dbfail/tags");
        await TestImages.PushImageAsync(Client, repo, "v1", seed: 913);

        using (var response = await WithConnectionKilledAsync("tags", () => Client.GetAsync($"v2/{repo}/tags/list")))
        {
            Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable,
                $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            Assert.Equal(["UNAVAILABLE"], await TestImages.ErrorCodesAsync(response));
        }

        using var again = await Client.GetAsync($"v2/{repo}/tags/list");
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Contains("\"v1\"", await again.Content.ReadAsStringAsync());
    }

    /// <summary>
    /// Sends <paramref name="request"/> while this test holds an exclusive lock on <paramref name="table"/>, has
    /// PostgreSQL terminate the registry connection that waits for it, then releases the lock; returns the response.
    /// </summary>
    private async Task<HttpResponseMessage> WithConnectionKilledAsync(string table, Func<Task<HttpResponseMessage>> request)
    {
        await using var blocker = new NpgsqlConnection(fixture.ConnectionString);
        await blocker.OpenAsync();
        await using var transaction = await blocker.BeginTransactionAsync();
        await Execute(blocker, $"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE");
        var response = request();
        var waiting = await PostgresLockWaits.BlockedSessionAsync(fixture.ConnectionString, table, Bound);
        Assert.True((bool)(await PostgresSql.ValueAsync(fixture.ConnectionString, "SELECT pg_terminate_backend(@pid)", ("pid", waiting)))!);
        await transaction.RollbackAsync(); // the lock goes; whatever the registry retries gets through
        return await response.WaitAsync(Bound);
    }

    private static async Task Execute(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
