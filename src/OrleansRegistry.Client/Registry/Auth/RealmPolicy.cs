namespace OrleansRegistry.Client.Registry.Auth;

/// <summary>
/// Which token realm a registry's Bearer challenge may send the client to, and whether the user's credentials may go
/// with it. The challenge comes from the registry, so a hostile or compromised registry could otherwise name any URL
/// and collect the password: credentials go only to the registry's own host (any port; every loopback address counts
/// as one host), to a host the caller trusts (<see cref="RegistryClientOptions.TrustedRealmHosts"/>), or to Docker
/// Hub's known token service for Docker Hub. A realm is used at all only over https, or over plain http when the
/// registry itself is plain http and the realm is its own host or a trusted one: the client never downgrades to plain
/// text on its own. A realm with user information in it is never used. Loopback names (<c>localhost</c>,
/// <c>127.0.0.1</c>, <c>::1</c>) are one host; other loopback addresses are hosts of their own.
/// </summary>
internal static class RealmPolicy
{
    // Docker Hub answers from registry-1.docker.io with the realm https://auth.docker.io/token.
    private static readonly string[] DockerHubRegistries = ["registry-1.docker.io", "index.docker.io", "docker.io"];
    private const string DockerHubRealm = "auth.docker.io";

    /// <summary>The realm as a URI the client may ask for a token, or null when it must not be used.</summary>
    public static Uri? Usable(Uri registry, string? realm, IReadOnlyCollection<string> trustedHosts)
    {
        if (!Uri.TryCreate(realm, UriKind.Absolute, out var uri) || uri.UserInfo.Length > 0)
            return null;
        if (uri.Scheme == Uri.UriSchemeHttps)
            return uri;
        var plainRegistry = string.Equals(registry.Scheme, Uri.UriSchemeHttp, StringComparison.OrdinalIgnoreCase);
        return uri.Scheme == Uri.UriSchemeHttp && plainRegistry && MayReceiveCredentials(registry, uri, trustedHosts) ? uri : null;
    }

    /// <summary>
    /// Why the credentials did not go to <paramref name="realm"/> (the realm refused, or only asked anonymously), for
    /// the error a refused request ends in; null when they went, or there were none to send.
    /// </summary>
    public static string? WhyWithheld(Uri registry, string? realm, bool hasCredentials, IReadOnlyCollection<string> trustedHosts)
    {
        if (!hasCredentials || !Uri.TryCreate(realm, UriKind.Absolute, out var uri)) return null;
        if (uri.UserInfo.Length > 0) return $"token realm {realm} not used: it carries user info";
        if (MayReceiveCredentials(registry, uri, trustedHosts)) return null;
        return Usable(registry, realm, trustedHosts) is null
            ? $"token realm {uri} not used: plain http on a host that is neither the registry's nor a trusted realm host (TrustedRealmHosts)"
            : $"credentials not sent to token realm {uri}: its host is neither the registry's nor a trusted realm host (TrustedRealmHosts)";
    }

    /// <summary>Whether the user's credentials may go to <paramref name="realm"/>.</summary>
    public static bool MayReceiveCredentials(Uri registry, Uri realm, IReadOnlyCollection<string> trustedHosts) =>
        Host(registry) == Host(realm)
        || trustedHosts.Any(h => string.Equals(h.Trim(), realm.IdnHost, StringComparison.OrdinalIgnoreCase))
        || (realm.IdnHost.Equals(DockerHubRealm, StringComparison.OrdinalIgnoreCase)
            && DockerHubRegistries.Contains(registry.IdnHost, StringComparer.OrdinalIgnoreCase));

    private static string Host(Uri uri)
    {
        var host = uri.IdnHost.Trim('[', ']').ToLowerInvariant();
        return host is "localhost" or "127.0.0.1" or "::1" ? "localhost" : host;
    }
}
