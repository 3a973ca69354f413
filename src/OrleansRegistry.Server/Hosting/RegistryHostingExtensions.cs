using Npgsql;
using Orleans.Configuration;
using Orleans.Storage;
using OrleansRegistry.Grains;
using OrleansRegistry.Grains.Calls;
using OrleansRegistry.Grains.Manifests;
using OrleansRegistry.Grains.Uploads;
using OrleansRegistry.Server.Observability;
using OrleansRegistry.Server.Uploads;
using OrleansRegistry.Storage.Blobs;
using OrleansRegistry.Storage.Index;

namespace OrleansRegistry.Server.Hosting;

/// <summary>Wires the co-hosted silo, PostgreSQL and the blob store from configuration.</summary>
public static class RegistryHostingExtensions
{
    public static WebApplicationBuilder AddRegistry(this WebApplicationBuilder builder)
    {
        var config = builder.Configuration;
        var options = config.GetSection(RegistryOptions.Section).Get<RegistryOptions>() ?? new RegistryOptions();
        var connectionString = config.GetConnectionString("Registry")
            ?? throw new InvalidOperationException(
                "ConnectionStrings:Registry is not set (env ConnectionStrings__Registry); scripts/run sets it for a private PostgreSQL");
        var dataDirectory = Path.GetFullPath(options.DataDirectory);

        builder.Services.Configure<RegistryOptions>(config.GetSection(RegistryOptions.Section));
        builder.Services.Configure<UploadOptions>(config.GetSection($"{RegistryOptions.Section}:Uploads"));
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = options.ShutdownTimeout);
        builder.Services.AddSingleton(NpgsqlDataSource.Create(WithPoolSize(connectionString, options.DatabaseConnections)));
        builder.Services.AddSingleton<IRegistryIndex, PostgresRegistryIndex>();
        builder.Services.AddHostedService<DatabaseWarmup>();
        builder.Services.AddRegistryBlobStore(config, dataDirectory, options.FlushBlobsToDisk);
        builder.Services.AddSingleton<RegistryMetrics>();
        builder.Services.AddSingleton<BlobUploader>();
        builder.Services.AddHostedService<UploadExpirySweeper>();
        builder.Services.AddManifestRows();
        builder.AddRegistryCollection();
        builder.AddRegistryMirrors();
        builder.AddRegistryObservability();

        builder.UseOrleans(silo =>
        {
            silo.ConfigureCluster(options, connectionString, config);
            silo.AddRegistryDashboard(config);
            silo.AddRegistryGrainStorage(connectionString);
            silo.AddOutgoingGrainCallFilter<TransientGrainCallRetry>();
            silo.AddIncomingGrainCallFilter<DatabaseFailureFilter>();
        });
        return builder;
    }

    /// <summary>The grain-state provider every registry grain persists through: ADO.NET on the registry's PostgreSQL.</summary>
    public static ISiloBuilder AddRegistryGrainStorage(this ISiloBuilder silo, string connectionString)
    {
        silo.AddAdoNetGrainStorage(RegistryStorage.Name, o =>
        {
            o.Invariant = "Npgsql";
            o.ConnectionString = connectionString;
        });
        // Orleans' own binary format is version-tolerant ([Id]/[Alias]) and stores manifest bytes without base64.
        silo.Services.AddOptions<AdoNetGrainStorageOptions>(RegistryStorage.Name)
            .Configure<IServiceProvider>((o, sp) => o.GrainStorageSerializer =
                new OrleansGrainStorageSerializer(sp.GetRequiredService<Orleans.Serialization.Serializer>()));
        return silo;
    }

    private static string WithPoolSize(string connectionString, int connections)
    {
        if (System.Text.RegularExpressions.Regex.IsMatch(connectionString, @"max\w*\s*pool\s*size", System.Text.RegularExpressions.RegexOptions.IgnoreCase))
            return connectionString;
        return new NpgsqlConnectionStringBuilder(connectionString) { MaxPoolSize = connections }.ConnectionString;
    }
}
