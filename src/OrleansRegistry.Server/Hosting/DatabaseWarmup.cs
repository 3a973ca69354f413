using Microsoft.Extensions.Options;
using OrleansRegistry.Core;
using OrleansRegistry.Storage.Index;

namespace OrleansRegistry.Server.Hosting;

/// <summary>
/// Runs the registry's read queries at start-up on several connections at once. Without it the first burst of
/// list requests on a freshly started silo waits while the pool opens its connections one backend at a time,
/// each backend loads its catalog caches and the query paths are compiled: hundreds of milliseconds of p99.
/// A failure here is only logged: requests open connections on demand anyway.
/// </summary>
public sealed class DatabaseWarmup(IRegistryIndex index, IOptions<RegistryOptions> options, ILogger<DatabaseWarmup> logger)
    : IHostedService
{
    private static readonly RepositoryName NoSuchName = RepositoryName.Parse("warmup/none");
    private static readonly Digest NoSuchDigest = Digest.Compute([]);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Task.WhenAll(Enumerable.Range(0, options.Value.DatabaseConnections).Select(async _ =>
            {
                await index.ListTagsAsync(NoSuchName, null, 1, cancellationToken);
                await index.ListTagsAsync(NoSuchName, "a", 1, cancellationToken);
                await index.RepositoryExistsAsync(NoSuchName, cancellationToken);
                await index.ListRepositoriesAsync(NoSuchName.Value, 1, cancellationToken);
                await index.GetTagAsync(NoSuchName, Tag.Parse("latest"), cancellationToken);
                await index.GetBlobLinkAsync(NoSuchName, NoSuchDigest, cancellationToken);
                await index.GetManifestAsync(NoSuchName, NoSuchDigest, cancellationToken);
            }));
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning(e, "Could not warm up the PostgreSQL connections; they will open on demand");
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
