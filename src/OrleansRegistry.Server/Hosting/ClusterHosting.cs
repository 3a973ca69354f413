using System.Net;
using Orleans.Configuration;

namespace OrleansRegistry.Server.Hosting;

/// <summary>
/// How a silo joins its cluster: membership provider, ids, ports, the address it advertises and how fast a dead
/// peer is declared dead. Every knob is a <see cref="RegistryOptions"/> setting or, for membership, the
/// <c>Registry:Membership</c> section (bound onto Orleans' <see cref="ClusterMembershipOptions"/>).
/// </summary>
public static class ClusterHosting
{
    public const string MembershipSection = $"{RegistryOptions.Section}:Membership";

    /// <summary>The downward-API variable Kubernetes sets to the pod's IP (k8s/deployment.yaml).</summary>
    public const string PodIpVariable = "POD_IP";

    public static void ConfigureCluster(this ISiloBuilder silo, RegistryOptions options, string connectionString,
        IConfiguration configuration)
    {
        if (options.Clustering.Equals("AdoNet", StringComparison.OrdinalIgnoreCase))
        {
            silo.UseAdoNetClustering(o => { o.Invariant = "Npgsql"; o.ConnectionString = connectionString; });
            silo.ConfigureEndpoints(AdvertisedAddress(options), options.SiloPort, options.GatewayPort,
                listenOnAnyHostAddress: options.ListenOnAnyAddress);
            silo.Configure<ClusterOptions>(o => { o.ClusterId = options.ClusterId; o.ServiceId = options.ServiceId; });
        }
        else if (options.Clustering.Equals("Localhost", StringComparison.OrdinalIgnoreCase))
        {
            silo.UseLocalhostClustering(options.SiloPort, options.GatewayPort, serviceId: options.ServiceId, clusterId: options.ClusterId);
        }
        else
        {
            throw new InvalidOperationException($"Registry:Clustering '{options.Clustering}' is neither Localhost nor AdoNet");
        }

        if (options.KubernetesHosting) silo.UseKubernetesHosting();

        // Defaults take tens of seconds to declare a killed silo dead (12–19 s; 64 s for a hung one), during which
        // requests for its grains fail. Probing every second and declaring after two misses brings it to about 1 s
        // (measured by the cluster tests). Registry:Membership overrides any of ClusterMembershipOptions.
        silo.Configure<ClusterMembershipOptions>(o =>
        {
            o.ProbeTimeout = TimeSpan.FromSeconds(1);
            o.NumMissedProbesLimit = 2;
            o.NumMissedTableIAmAliveLimit = 3;
            o.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(10);
            o.TableRefreshTimeout = TimeSpan.FromSeconds(10);
            o.DefunctSiloCleanupPeriod = TimeSpan.FromMinutes(10);
            o.DefunctSiloExpiration = TimeSpan.FromHours(1);
        });
        silo.Services.Configure<ClusterMembershipOptions>(configuration.GetSection(MembershipSection));
    }

    /// <summary>Registry:AdvertisedAddress, else POD_IP, else loopback.</summary>
    public static IPAddress AdvertisedAddress(RegistryOptions options)
    {
        var configured = options.AdvertisedAddress;
        if (string.IsNullOrWhiteSpace(configured)) configured = Environment.GetEnvironmentVariable(PodIpVariable);
        if (string.IsNullOrWhiteSpace(configured)) return IPAddress.Loopback;
        return IPAddress.TryParse(configured, out var address)
            ? address
            : throw new InvalidOperationException($"Registry:AdvertisedAddress '{configured}' is not an IP address");
    }
}
