namespace OrleansRegistry.Server.Hosting;

/// <summary>The registry's settings (configuration section <c>Registry</c>; env <c>Registry__…</c>).</summary>
public sealed class RegistryOptions
{
    public const string Section = "Registry";

    /// <summary>Where blobs (and the private PostgreSQL started by scripts/run) live.</summary>
    public string DataDirectory { get; set; } = "./.data";

    /// <summary>fsync blob data before the commit rename: a 201 then survives power loss.</summary>
    public bool FlushBlobsToDisk { get; set; } = true;

    /// <summary>
    /// PostgreSQL connections this silo's registry queries use at most (unless the connection string sets a pool
    /// size), all opened at start-up. More concurrent queries than cores only queue inside PostgreSQL, and a burst
    /// that opens new backends mid-load stalls for hundreds of milliseconds.
    /// </summary>
    public int DatabaseConnections { get; set; } = 16;

    /// <summary>
    /// How long a stopping silo (SIGTERM, a Kubernetes pod deletion) lets in-flight requests finish before it leaves
    /// the cluster. Kubernetes' <c>terminationGracePeriodSeconds</c> must be longer.
    /// </summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(30);

    // --- Cluster (see ClusterOptionsSetup for how each is applied) ---

    /// <summary><c>Localhost</c> (one silo) or <c>AdoNet</c> (membership in PostgreSQL, for several silos).</summary>
    public string Clustering { get; set; } = "Localhost";

    /// <summary>Names one deployment's cluster membership; silos of one cluster share it.</summary>
    public string ClusterId { get; set; } = "orleans-registry";

    /// <summary>
    /// Keys every stored grain state row: it must never change for a deployment, or everything stored before
    /// becomes invisible. Kept apart from <see cref="ClusterId"/>, which may change from one rollout to the next.
    /// </summary>
    public string ServiceId { get; set; } = "orleans-registry";

    /// <summary>Silo-to-silo port.</summary>
    public int SiloPort { get; set; } = 11111;

    /// <summary>Orleans client gateway port.</summary>
    public int GatewayPort { get; set; } = 30000;

    /// <summary>
    /// The address other silos reach this one at. Unset: the pod IP when <c>POD_IP</c> is set (Kubernetes),
    /// otherwise loopback, so that silos on one machine never talk over a non-loopback interface.
    /// </summary>
    public string? AdvertisedAddress { get; set; }

    /// <summary>Listen on every interface (0.0.0.0) for silo and gateway traffic, as a container must.</summary>
    public bool ListenOnAnyAddress { get; set; }

    /// <summary>
    /// Microsoft.Orleans.Hosting.Kubernetes: silo name from <c>POD_NAME</c>, pod labels, defunct-silo detection
    /// through the Kubernetes API (needs the Role in k8s/).
    /// </summary>
    public bool KubernetesHosting { get; set; }
}
