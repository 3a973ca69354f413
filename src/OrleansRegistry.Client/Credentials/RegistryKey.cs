namespace OrleansRegistry.Client.Credentials;

/// <summary>
/// The key Docker files a registry's credentials under: <c>HOST[:PORT]</c> as given, except that Docker Hub's names
/// all map to its historical key <c>https://index.docker.io/v1/</c>. Keys written by older tools may carry a scheme or
/// a path (<c>https://registry.example.com/v2/</c>); <see cref="HostOf"/> reduces them to the host they name.
/// oreg itself files a registry under the authority of the address it reaches it at (<see cref="For(Uri)"/>: the
/// scheme's default port left out, as every later command sees it), and looks it up under that key and then under
/// the default port written out (<see cref="Spellings"/>), which is how docker and podman keep <c>localhost:80</c>.
/// </summary>
public static class RegistryKey
{
    public const string DockerHub = "https://index.docker.io/v1/";

    private static readonly HashSet<string> DockerHubHosts =
        new(["docker.io", "index.docker.io", "registry-1.docker.io"], StringComparer.OrdinalIgnoreCase);

    /// <summary>The key for <paramref name="host"/> (<c>HOST[:PORT]</c>, or a URL as <c>docker login</c> accepts).</summary>
    public static string For(string host)
    {
        var bare = HostOf(host);
        return DockerHubHosts.Contains(bare) ? DockerHub : bare;
    }

    /// <summary>
    /// The one key oreg stores <paramref name="registry"/>'s credentials under: <c>http://localhost:80/</c> and
    /// <c>http://localhost/</c> are both <c>localhost</c>, <c>https://host:443/</c> is <c>host</c>; another port stays.
    /// </summary>
    public static string For(Uri registry) => For(registry.Authority);

    /// <summary>
    /// The keys <paramref name="registry"/>'s credentials may be under, <see cref="For(Uri)"/> first; when it is
    /// reached at its scheme's default port, then also <c>HOST:PORT</c> with that port written out (docker and podman
    /// keep the port as the user typed it).
    /// </summary>
    public static IReadOnlyList<string> Spellings(Uri registry) => registry.IsDefaultPort
        ? [For(registry), For(registry.GetComponents(UriComponents.Host | UriComponents.StrongPort, UriFormat.UriEscaped))]
        : [For(registry)];

    /// <summary><c>HOST[:PORT]</c> of a key: without <c>http://</c>/<c>https://</c> and without any path.</summary>
    public static string HostOf(string key)
    {
        var text = key;
        foreach (var scheme in new[] { "https://", "http://" })
            if (text.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
                text = text[scheme.Length..];
        var slash = text.IndexOf('/');
        return slash >= 0 ? text[..slash] : text;
    }
}
