namespace OrleansRegistry.Grains.Mirrors;

/// <summary>
/// One entry of <c>Registry:Mirrors</c>: an upstream registry whose repositories appear under a local prefix and are
/// filled from it when pulled (a pull-through cache). See docs/configuration.md#mirrors.
/// </summary>
public sealed class MirrorOptions
{
    public const string Section = "Registry:Mirrors";

    /// <summary>The upstream registry, e.g. <c>https://registry-1.docker.io</c>. https unless <see cref="AllowHttp"/> or a loopback host.</summary>
    public string Url { get; set; } = "";

    /// <summary>
    /// Local repositories under this prefix are the upstream's (<c>hub/</c>: <c>hub/library/alpine</c> is
    /// <c>library/alpine</c> upstream). <c>""</c> mirrors one upstream transparently (every repository is its).
    /// </summary>
    public string Prefix { get; set; } = "";

    /// <summary>
    /// The upstream's name in <c>?ns=</c> requests, metrics and logs; default the URL's host (<c>docker.io</c> for
    /// Docker Hub's <c>registry-1.docker.io</c>), with <c>:port</c> when it has one.
    /// </summary>
    public string? Namespace { get; set; }

    /// <summary>Credentials for the upstream; without them, those of docker's config.json when <see cref="UseDockerCredentials"/>, else anonymous.</summary>
    public string? Username { get; set; }

    public string? Password { get; set; }

    /// <summary>Look the upstream's credentials up in docker's <c>config.json</c> and credential helpers (as <c>oreg</c> does).</summary>
    public bool UseDockerCredentials { get; set; }

    /// <summary>Token realm hosts besides the upstream's own that may receive the credentials (e.g. <c>gitlab.com</c>).</summary>
    public List<string> TrustedRealmHosts { get; set; } = [];

    /// <summary>Upstream repository patterns (<c>library/*</c>, <c>myorg/**</c>) that may be pulled; empty: all.</summary>
    public List<string> Repositories { get; set; } = [];

    /// <summary>How long a tag's answer from the upstream is trusted before asking again; 0: at every pull.</summary>
    public TimeSpan TagCheckInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>When the upstream cannot answer, serve the tag's cached digest (with a Warning header) instead of 503.</summary>
    public bool ServeStaleOnError { get; set; } = true;

    /// <summary>Blob fetches from this upstream running at once on one silo; more wait their turn.</summary>
    public int MaxConcurrentFetches { get; set; } = 16;

    /// <summary>Requests per second to the upstream from one silo, at most; null: no cap.</summary>
    public double? RequestsPerSecond { get; set; }

    /// <summary>
    /// How long the upstream may take to answer (a tag check's HEAD and GET together), or to send more of a blob, before it
    /// counts as down. At most <see cref="MaxUpstreamTimeout"/>: a pull waiting on a tag check must get its answer before
    /// the grain call it waits in times out (Orleans' 30 s).
    /// </summary>
    public TimeSpan UpstreamTimeout { get; set; } = TimeSpan.FromSeconds(10);

    public static readonly TimeSpan MaxUpstreamTimeout = TimeSpan.FromSeconds(25);

    /// <summary>Allow a plain <c>http://</c> upstream that is not on loopback.</summary>
    public bool AllowHttp { get; set; }

    /// <summary>Refuse pushes and deletes under the prefix with 405 UNSUPPORTED (a mirror holds the upstream's content).</summary>
    public bool ReadOnly { get; set; } = true;
}
