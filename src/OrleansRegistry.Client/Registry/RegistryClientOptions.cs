namespace OrleansRegistry.Client.Registry;

/// <summary>Where the registry is and how the client moves blobs to and from it.</summary>
public sealed class RegistryClientOptions
{
    /// <summary>The registry's base address, e.g. <c>http://127.0.0.1:5000/</c>; requests go to <c>{Registry}v2/...</c>.</summary>
    public required Uri Registry { get; init; }

    /// <summary>
    /// Blobs smaller than this go up in one monolithic <c>POST ?digest=</c>; larger ones through an upload session
    /// with <c>PATCH</c> chunks, which can resume after a dropped connection.
    /// </summary>
    public long MonolithicThreshold { get; init; } = 16 * 1024 * 1024;

    /// <summary>
    /// Bytes per upload <c>PATCH</c>. A registry may keep only whole chunks (ours does), so a break costs at most one
    /// chunk; each chunk costs one round trip. 0 streams the whole blob in one <c>PATCH</c>.
    /// </summary>
    public long ChunkSize { get; init; } = 64 * 1024 * 1024;

    /// <summary>How many times one blob transfer may resume after a broken connection (or a refused chunk) before it fails.</summary>
    public int MaxResumeAttempts { get; init; } = 3;

    /// <summary>
    /// Wait before the second and later resume attempts of one transfer (multiplied by the attempt number): the first
    /// resume is immediate, later ones give a registry time to notice the broken connection.
    /// </summary>
    public TimeSpan ResumeDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The largest manifest the client reads; the spec asks registries to accept at least 4 MiB.</summary>
    public int MaxManifestBytes { get; init; } = 4 * 1024 * 1024;

    /// <summary>
    /// The user for registries that authenticate (null: anonymous). Sent as <c>Basic</c> when the registry challenges
    /// with Basic, or to the token endpoint of a <c>Bearer</c> challenge (the Docker token flow); without it tokens are
    /// fetched anonymously, which public registries allow for pulls.
    /// </summary>
    public string? Username { get; init; }

    /// <summary>The password or access token that goes with <see cref="Username"/>.</summary>
    public string? Password { get; init; }

    /// <summary>
    /// Where to look up credentials when <see cref="Username"/> is not set, e.g.
    /// <see cref="Credentials.DockerCredentials.FromEnvironment"/> (docker's <c>config.json</c> and credential helpers):
    /// the entry for the registry's <c>HOST[:PORT]</c>, looked up once, when the registry first asks for credentials.
    /// </summary>
    public Credentials.ICredentialStore? CredentialStore { get; init; }

    /// <summary>
    /// Hosts besides the registry's own to which the credentials may go when a Bearer challenge names them as its
    /// token realm (e.g. <c>gitlab.com</c> for <c>registry.gitlab.com</c>). Any other realm host gets an anonymous token
    /// request; Docker Hub's <c>auth.docker.io</c> is trusted for Docker Hub without being listed.
    /// </summary>
    public IReadOnlyCollection<string> TrustedRealmHosts { get; init; } = [];
}
