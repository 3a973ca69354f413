using System.Net;
using OrleansRegistry.Core;

namespace OrleansRegistry.Grains.Mirrors;

/// <summary>A configured mirror, checked and compiled: its upstream, prefix, namespace and allow list.</summary>
public sealed class Mirror
{
    private readonly IReadOnlyList<RepositoryPattern> _allowed;

    public Mirror(MirrorOptions options, int index)
    {
        string Where() => $"{MirrorOptions.Section}:{index}";
        if (!Uri.TryCreate(options.Url, UriKind.Absolute, out var url) || url.Scheme is not ("https" or "http"))
            throw new InvalidOperationException($"{Where()}:Url must be an http(s) URL of a registry, not '{options.Url}'");
        if (url.Scheme == "http" && !options.AllowHttp && !IsLoopback(url.Host))
            throw new InvalidOperationException(
                $"{Where()}:Url is plain http on a host that is not loopback ({url.Host}): use https, or set {Where()}:AllowHttp");
        if (options.TagCheckInterval < TimeSpan.Zero)
            throw new InvalidOperationException($"{Where()}:TagCheckInterval must not be negative");
        if (options.UpstreamTimeout <= TimeSpan.Zero || options.UpstreamTimeout > MirrorOptions.MaxUpstreamTimeout)
            throw new InvalidOperationException(
                $"{Where()}:UpstreamTimeout must be above 0 and at most {MirrorOptions.MaxUpstreamTimeout.TotalSeconds} s (a pull waits for it inside a grain call)");
        if (options.MaxConcurrentFetches < 1 || options.RequestsPerSecond is <= 0)
            throw new InvalidOperationException($"{Where()}: MaxConcurrentFetches and RequestsPerSecond must be positive");

        var prefix = options.Prefix.Trim('/');
        if (prefix.Length > 0 && !RepositoryName.IsValid(prefix))
            throw new InvalidOperationException($"{Where()}:Prefix '{options.Prefix}' is not a repository name path");
        Prefix = prefix.Length == 0 ? "" : prefix + "/";
        Upstream = new Uri(url.GetLeftPart(UriPartial.Authority) + "/");
        Namespace = string.IsNullOrWhiteSpace(options.Namespace) ? DefaultNamespace(url) : options.Namespace.Trim();
        Options = options;
        _allowed = options.Repositories.Select(p => new RepositoryPattern(p)).ToList();
    }

    /// <summary>The upstream's base address, ending in '/'.</summary>
    public Uri Upstream { get; }

    /// <summary>Local repositories starting with this are the upstream's; "" or a name path ending in '/'.</summary>
    public string Prefix { get; }

    /// <summary>The upstream's name (<c>?ns=</c>, metrics, grain keys).</summary>
    public string Namespace { get; }

    public MirrorOptions Options { get; }

    /// <summary>Whether the allow list lets <paramref name="upstream"/> be pulled through this mirror.</summary>
    public bool Allows(RepositoryName upstream) => _allowed.Count == 0 || _allowed.Any(p => p.Matches(upstream.Value));

    private static bool IsLoopback(string host) =>
        host == "localhost" || IPAddress.TryParse(host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address);

    // Docker Hub is docker.io to every client (containerd's ns=, docker's mirror setting), whatever host serves it.
    private static string DefaultNamespace(Uri url) =>
        url.Host is "registry-1.docker.io" or "index.docker.io" or "registry.hub.docker.com"
            ? "docker.io"
            : url.IsDefaultPort ? url.Host : $"{url.Host}:{url.Port}";
}
