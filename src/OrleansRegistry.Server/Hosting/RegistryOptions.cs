namespace OrleansRegistry.Server.Hosting;

/// <summary>The registry's settings (configuration section <c>Registry</c>; env <c>Registry__…</c>).</summary>
public sealed class RegistryOptions
{
    public const string Section = "Registry";

    /// <summary>Where blobs (and the private PostgreSQL started by scripts/run) live.</summary>
    public string DataDirectory { get; set; } = "./.data";

    /// <summary>fsync blob data before the commit rename: a 201 then survives power loss.</summary>
    public bool FlushBlobsToDisk { get; set; } = true;

    /// <summary><c>Localhost</c> (one silo) or <c>AdoNet</c> (membership in PostgreSQL, for several silos).</summary>
    public string Clustering { get; set; } = "Localhost";

    /// <summary>Names one deployment's cluster membership; silos of one cluster share it.</summary>
    public string ClusterId { get; set; } = "orleans-registry";

    /// <summary>
    /// Keys every stored grain state row: it must never change for a deployment, or everything stored before
    /// becomes invisible. Kept apart from <see cref="ClusterId"/>, which may change from one rollout to the next.
    /// </summary>
    public string ServiceId { get; set; } = "orleans-registry";

    /// <summary>
    /// PostgreSQL connections this silo's registry queries use at most (unless the connection string sets a pool
    /// size), all opened at start-up. More concurrent queries than cores only queue inside PostgreSQL, and a burst
    /// that opens new backends mid-load stalls for hundreds of milliseconds.
    /// </summary>
    public int DatabaseConnections { get; set; } = 16;

    public int SiloPort { get; set; } = 11111;

    public int GatewayPort { get; set; } = 30000;
}
