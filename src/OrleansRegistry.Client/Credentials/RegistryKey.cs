namespace OrleansRegistry.Client.Credentials;

/// <summary>
/// The key Docker files a registry's credentials under: <c>HOST[:PORT]</c> as given, except that Docker Hub's names
/// all map to its historical key <c>https://index.docker.io/v1/</c>. Keys written by older tools may carry a scheme or
/// a path (<c>https://registry.example.com/v2/</c>); <see cref="HostOf"/> reduces them to the host they name.
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
