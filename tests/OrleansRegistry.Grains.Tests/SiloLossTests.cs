using System.Security.Cryptography;
using Orleans.Runtime;
using Orleans.TestingHost;
using OrleansRegistry.Core;
using OrleansRegistry.Grains.Abstractions;
using OrleansRegistry.Grains.Uploads;

namespace OrleansRegistry.Grains.Tests;

/// <summary>
/// A silo dies (killed in-process, no goodbye) while it hosts an upload session's grain: the session lives on from
/// PostgreSQL on another silo, hashing continues from the saved state (no byte is read back), and expiry still works
/// (grain activations are caches: docs/architecture.md#upload-state-machine, #consistency-rules).
/// </summary>
public sealed class SiloLossTests : IAsyncLifetime
{
    private static readonly RepositoryName Repo = RepositoryName.Parse("grains/silo-loss");
    private RegistryTestCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await RegistryTestCluster.StartAsync(silos: 3, uploadExpiry: TimeSpan.FromMilliseconds(1));

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task An_upload_whose_grain_silo_dies_continues_elsewhere_without_rereading_its_data()
    {
        using var client = new ClusterUploader(_cluster);
        var (id, host) = await OpenOnSecondarySiloAsync();
        var data = RandomNumberGenerator.GetBytes(3 << 20);
        await client.Uploader.WriteChunkAsync(Repo, id, 0, 1 << 20, new MemoryStream(data, 0, 1 << 20), owner: null, default);

        await _cluster.Cluster.KillSiloAsync(host);

        // Until membership declares the silo dead, calls for its grains are rejected (the server answers 503 then).
        var status = await Retry(() => client.Uploader.WriteChunkAsync(Repo, id, 1 << 20, 1 << 20,
            new MemoryStream(data, 1 << 20, 1 << 20), owner: null, default));
        Assert.Equal(2 << 20, status.Offset);
        var digest = Digest.Compute(data);
        await client.Uploader.FinishAsync(Repo, id, digest, 2 << 20, 1 << 20, new MemoryStream(data, 2 << 20, 1 << 20), owner: null, default);

        Assert.Equal(data.Length, await _cluster.Grains.Repository(Repo).StatBlob(digest));
        await using var stored = (await _cluster.Blobs.OpenReadAsync(digest))!;
        Assert.Equal(digest, Digest.Compute(await ReadAllAsync(stored)));
        Assert.Equal(0, client.RereadBytes);
    }

    [Fact]
    public async Task A_session_whose_silo_died_expires_through_any_other_silo()
    {
        var (id, host) = await OpenOnSecondarySiloAsync();
        await _cluster.Cluster.KillSiloAsync(host);

        var sweeper = RegistryTestCluster.ServiceOf<UploadExpirySweeper>(_cluster.Cluster.Primary!); // Primary is the silo that survived
        // The cluster's expiry is 1 ms: by now the session is idle past it, and its creator is gone.
        var expired = await Retry(() => sweeper.SweepOnceAsync(default));

        Assert.True(expired >= 1);
        Assert.False(await _cluster.HasUploadDataAsync(id));
        var gone = await Assert.ThrowsAsync<RegistryException>(() => _cluster.Grains.UploadSession(id).GetStatus(Repo, owner: null));
        Assert.Same(ErrorCatalog.BlobUploadUnknown, gone.Descriptor);
    }

    /// <summary>Opens sessions until one's grain lands on a silo other than the primary (which holds test membership).</summary>
    private async Task<(Guid Id, SiloHandle Host)> OpenOnSecondarySiloAsync()
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var id = Guid.NewGuid();
            var session = _cluster.Grains.UploadSession(id);
            await session.Open(Repo, Digest.Sha256, owner: null, identity: null);
            var host = await _cluster.HostOfAsync(session);
            if (host != _cluster.Cluster.Primary) return (id, host);
            await session.Cancel(Repo, owner: null);
        }
        throw new InvalidOperationException("no session grain was placed off the primary silo in 50 attempts");
    }

    /// <summary>Until membership declares the killed silo dead, calls for its grains are rejected.</summary>
    private static Task<T> Retry<T>(Func<Task<T>> attempt) => Eventually.SucceedsAsync(attempt,
        e => e is OrleansException or SiloUnavailableException or TimeoutException, TimeSpan.FromSeconds(60));

    private static async Task<byte[]> ReadAllAsync(Stream stream)
    {
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        return copy.ToArray();
    }
}
