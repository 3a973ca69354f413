using System.Collections.Concurrent;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Orleans.Hosting;
using Orleans.TestingHost;
using OrleansRegistry.Grains.Mirrors;
using OrleansRegistry.Grains.Abstractions;
using OrleansRegistry.Grains.Manifests;
using OrleansRegistry.Grains.Uploads;
using OrleansRegistry.Server.Hosting;
using OrleansRegistry.Storage.Blobs;
using OrleansRegistry.Storage.Index;

namespace OrleansRegistry.TestSupport.Grains;

/// <summary>
/// An in-process Orleans <see cref="TestCluster"/> (Microsoft.Orleans.TestingHost) whose silos host the registry's
/// grains on the real parts: grain state and the index in a fresh PostgreSQL database, blobs in a fresh directory.
/// Membership is TestingHost's in-memory one. Calls through <see cref="Grains"/> go through a gateway, so every
/// argument, result and exception is serialized as it is between silos.
/// </summary>
public sealed class RegistryTestCluster : IAsyncDisposable
{
    private const string ConnectionStringKey = "RegistryTest:ConnectionString";
    private const string BlobRootKey = "RegistryTest:BlobRoot";
    private const string LeaseTimeoutKey = "RegistryTest:WriterLeaseTimeout";
    private const string ExpiryKey = "RegistryTest:UploadExpiry";
    private const string SessionsPerIdentityKey = "RegistryTest:MaxUploadSessionsPerIdentity";
    private const string ClockKey = "RegistryTest:Clock";

    /// <summary>Each running cluster's clock by cluster id: its silos run in this process and share the instance.</summary>
    private static readonly ConcurrentDictionary<string, TestClock> Clocks = new();

    private RegistryTestCluster(TestCluster cluster, string connectionString, string blobRoot, TestClock clock)
    {
        Cluster = cluster;
        Clock = clock;
        ConnectionString = connectionString;
        BlobRoot = blobRoot;
        Blobs = new FileSystemBlobStore(blobRoot, flushToDisk: false);
    }

    public TestCluster Cluster { get; }

    /// <summary>The silos' clock (their <see cref="TimeProvider"/>): the system's until a test moves it forward.</summary>
    public TestClock Clock { get; }

    public IGrainFactory Grains => Cluster.Client;

    public string ConnectionString { get; }

    public string BlobRoot { get; }

    /// <summary>The same blob store the silos use (one directory), for checking what they wrote.</summary>
    public IBlobStore Blobs { get; }

    /// <summary>Whether the blob store holds data of the upload (asked through the store's contract, as a sweep would).</summary>
    public async Task<bool> HasUploadDataAsync(Guid uploadId)
    {
        var key = RegistryGrains.UploadIdKey(uploadId);
        await foreach (var id in Blobs.ListUploadsAsync(DateTimeOffset.UtcNow.AddDays(1)))
            if (id == key) return true;
        return false;
    }

    /// <summary>
    /// Starts <paramref name="silos"/> silos. <typeparamref name="TConfigurator"/> may add to each silo (e.g. wrap the
    /// index in a gate); <see cref="NoExtraConfiguration"/> adds nothing. <paramref name="connectionString"/> starts
    /// them on the database of an earlier cluster (a restart: grain state is filed under the same service id) instead
    /// of a fresh one.
    /// </summary>
    public static async Task<RegistryTestCluster> StartAsync<TConfigurator>(int silos, TimeSpan? writerLeaseTimeout = null,
        TimeSpan? uploadExpiry = null, int? maxUploadSessionsPerIdentity = null, string? connectionString = null)
        where TConfigurator : ISiloConfigurator, new()
    {
        var server = await PostgresServer.GetAsync();
        connectionString ??= await server.CreateDatabaseAsync("grains");
        var blobRoot = Path.Combine(Path.GetTempPath(), $"oreg-grains-{Guid.NewGuid():N}");
        Directory.CreateDirectory(blobRoot);

        var builder = new TestClusterBuilder((short)silos);
        builder.Options.ClusterId = $"grains-{Guid.NewGuid():N}";
        var clock = Clocks[builder.Options.ClusterId] = new TestClock();
        builder.Properties[ClockKey] = builder.Options.ClusterId;
        builder.Options.ServiceId = ServiceId;
        builder.Properties[ConnectionStringKey] = connectionString;
        builder.Properties[BlobRootKey] = blobRoot;
        builder.Properties[LeaseTimeoutKey] = (writerLeaseTimeout ?? new UploadOptions().WriterLeaseTimeout).ToString("c");
        builder.Properties[ExpiryKey] = (uploadExpiry ?? new UploadOptions().Expiry).ToString("c");
        builder.Properties[SessionsPerIdentityKey] =
            (maxUploadSessionsPerIdentity ?? new UploadQuotaOptions().MaxSessionsPerIdentity).ToString(System.Globalization.CultureInfo.InvariantCulture);
        builder.AddSiloBuilderConfigurator<RegistrySilo>();
        builder.AddSiloBuilderConfigurator<TConfigurator>();
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return new RegistryTestCluster(cluster, connectionString, blobRoot, clock);
    }

    public static Task<RegistryTestCluster> StartAsync(int silos, TimeSpan? writerLeaseTimeout = null, TimeSpan? uploadExpiry = null,
        int? maxUploadSessionsPerIdentity = null, string? connectionString = null) =>
        StartAsync<NoExtraConfiguration>(silos, writerLeaseTimeout, uploadExpiry, maxUploadSessionsPerIdentity, connectionString);

    /// <summary>Every test cluster's service id: each has a database of its own, and a restart must find its grain state.</summary>
    public const string ServiceId = "registry-grain-tests";

    /// <summary>The silo that hosts <paramref name="grain"/>'s activation now.</summary>
    public async Task<SiloHandle> HostOfAsync(IAddressable grain)
    {
        var address = await Grains.GetGrain<IManagementGrain>(0).GetActivationAddress(grain);
        return Cluster.Silos.Single(s => s.SiloAddress.Equals(address));
    }

    /// <summary>A service of one silo (in-process), e.g. its <see cref="UploadExpirySweeper"/>.</summary>
    public static T ServiceOf<T>(SiloHandle silo) where T : notnull =>
        ((InProcessSiloHandle)silo).SiloHost.Services.GetRequiredService<T>();

    public async ValueTask DisposeAsync()
    {
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
        Clocks.TryRemove(Cluster.Options.ClusterId, out _);
        try { Directory.Delete(BlobRoot, recursive: true); } catch (IOException) { }
    }

    /// <summary>What every silo of the test cluster hosts: the registry's grains on PostgreSQL and the blob directory.</summary>
    private sealed class RegistrySilo : ISiloConfigurator
    {
        public void Configure(ISiloBuilder silo)
        {
            var connectionString = silo.Configuration[ConnectionStringKey]!;
            var blobRoot = silo.Configuration[BlobRootKey]!;
            var leaseTimeout = TimeSpan.Parse(silo.Configuration[LeaseTimeoutKey]!);
            var expiry = TimeSpan.Parse(silo.Configuration[ExpiryKey]!);
            var sessionsPerIdentity = int.Parse(silo.Configuration[SessionsPerIdentityKey]!, System.Globalization.CultureInfo.InvariantCulture);
            silo.AddRegistryGrainStorage(connectionString);
            silo.AddIncomingGrainCallFilter<OrleansRegistry.Grains.Calls.DatabaseFailureFilter>();
            silo.Services.AddSingleton<TimeProvider>(Clocks[silo.Configuration[ClockKey]!]);
            silo.Services.AddSingleton(_ => NpgsqlDataSource.Create(connectionString));
            silo.Services.AddSingleton<IRegistryIndex, PostgresRegistryIndex>();
            silo.Services.AddSingleton<IBlobStore>(new FileSystemBlobStore(blobRoot, flushToDisk: false));
            silo.Services.Configure<UploadOptions>(o => { o.WriterLeaseTimeout = leaseTimeout; o.Expiry = expiry; });
            silo.Services.Configure<UploadQuotaOptions>(o => o.MaxSessionsPerIdentity = sessionsPerIdentity);
            silo.Services.AddSingleton<UploadExpirySweeper>();
            silo.Services.AddManifestRows();
            silo.Services.AddMirrorGrainServices([]); // no mirrors: the manifest grain asks whether its repository is one
        }
    }

    public sealed class NoExtraConfiguration : ISiloConfigurator
    {
        public void Configure(ISiloBuilder silo) { }
    }
}
