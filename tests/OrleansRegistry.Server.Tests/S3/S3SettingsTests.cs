using System.Net;
using OrleansRegistry.TestSupport.Registry;
using OrleansRegistry.TestSupport.S3;

namespace OrleansRegistry.Server.Tests.S3;

/// <summary>
/// <c>Registry:BlobStore</c> as an operator sets it: a setting that cannot work stops the start, saying which; a bucket
/// the server cannot write to makes it unready (/readyz 503 naming the blob store), not dead.
/// </summary>
public sealed class S3SettingsTests(S3Fixture s3) : IClassFixture<S3Fixture>
{
    [Theory]
    [InlineData("S3", "", "Registry:BlobStore:S3:Bucket")]
    [InlineData("Azure", "bucket", "FileSystem or S3")]
    public async Task A_blob_store_setting_that_cannot_work_stops_the_start_naming_it(string type, string bucket, string named)
    {
        var server = await PostgresServer.GetAsync();
        var connectionString = await server.CreateDatabaseAsync("s3settings");
        var directory = Directory.CreateTempSubdirectory("oreg-s3settings-");
        try
        {
            var e = await Assert.ThrowsAsync<InvalidOperationException>(() => RegistryProcess.StartAsync(connectionString, directory.FullName,
                new Dictionary<string, string> { ["Registry__BlobStore__Type"] = type, ["Registry__BlobStore__S3__Bucket"] = bucket }));
            Assert.Contains("exited at start", e.Message);
            Assert.Contains(named, e.Message);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task A_server_on_a_bucket_that_does_not_exist_is_alive_but_not_ready()
    {
        var server = await PostgresServer.GetAsync();
        var connectionString = await server.CreateDatabaseAsync("s3ready");
        var directory = Directory.CreateTempSubdirectory("oreg-s3ready-");
        var settings = new Dictionary<string, string>(s3.ServerSettings()) { ["Registry__BlobStore__S3__Bucket"] = $"missing-{Guid.NewGuid():N}" };
        try
        {
            await using var registry = await RegistryProcess.StartAsync(connectionString, directory.FullName, settings);

            using var ready = await registry.Client.GetAsync("readyz");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
            Assert.Contains("blob-store", await ready.Content.ReadAsStringAsync());
            using var live = await registry.Client.GetAsync("healthz");
            Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}
