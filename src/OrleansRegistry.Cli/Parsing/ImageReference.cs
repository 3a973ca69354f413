using System.Net;
using OrleansRegistry.Core;

namespace OrleansRegistry.Cli.Parsing;

/// <summary>
/// <c>HOST[:PORT]/REPO[:TAG|@DIGEST]</c>: a registry, a repository in it and optionally a tag or digest (both may be
/// given, <c>REPO:TAG@DIGEST</c>, as docker prints them; the digest then decides). The host is required: unlike docker
/// there is no default registry, so <c>team/app</c> is an error rather than a silent trip to Docker Hub.
/// </summary>
internal sealed record ImageReference(string Host, string Repository, string? Tag, Digest? Digest)
{
    /// <summary>What the manifest URL gets: the digest when known, else the tag, else <c>latest</c>.</summary>
    public string ManifestReference => Digest?.ToString() ?? Tag ?? "latest";

    /// <summary>The tag or digest as the user gave it, or null when neither.</summary>
    public string? GivenReference => Digest?.ToString() ?? Tag;

    public override string ToString() =>
        $"{Host}/{Repository}{(Tag is null ? "" : ":" + Tag)}{(Digest is null ? "" : "@" + Digest)}";

    public static ImageReference Parse(string text)
    {
        var slash = text.IndexOf('/');
        if (slash < 0)
            throw new UsageException($"'{text}' is not a reference: write HOST[:PORT]/REPO[:TAG|@DIGEST], e.g. 127.0.0.1:5000/team/app:v1");
        var host = ParseHost(text[..slash], text);
        var rest = text[(slash + 1)..];

        Digest? digest = null;
        var at = rest.IndexOf('@');
        if (at >= 0)
        {
            var digestText = rest[(at + 1)..];
            if (!Core.Digest.TryParse(digestText, out var parsed) || !parsed.IsSupported)
                throw new UsageException($"'{digestText}' in '{text}' is not a sha256 or sha512 digest");
            digest = parsed;
            rest = rest[..at];
        }

        string? tag = null;
        var colon = rest.LastIndexOf(':');
        if (colon >= 0)
        {
            tag = rest[(colon + 1)..];
            rest = rest[..colon];
            if (!Core.Tag.IsValid(tag))
                throw new UsageException($"'{tag}' in '{text}' is not a valid tag ([A-Za-z0-9_][A-Za-z0-9._-]{{0,127}})");
        }

        if (!RepositoryName.IsValid(rest))
            throw new UsageException($"'{rest}' in '{text}' is not a valid repository name (lowercase letters, digits, separators . _ __ -, components joined by /)");
        return new ImageReference(host, rest, tag, digest);
    }

    /// <summary>A registry alone, <c>HOST[:PORT]</c> (a trailing slash is tolerated), as <c>oreg catalog</c> takes it.</summary>
    public static string ParseRegistry(string text) => ParseHost(text.TrimEnd('/'), text);

    private static string ParseHost(string host, string whole)
    {
        if (host.Length == 0)
            throw new UsageException($"'{whole}' has no registry host: write HOST[:PORT]/REPO");
        // Docker's rule for "is the first component a registry": it has a '.' or a ':' or is localhost.
        if (!host.Contains('.') && !host.Contains(':') && host != "localhost")
            throw new UsageException($"'{whole}' names no registry host ('{host}' is not one): write HOST[:PORT]/REPO, e.g. 127.0.0.1:5000/{whole}");
        if (host.IndexOfAny(['@', '?', '#', '\\', ' ']) >= 0
            || !Uri.TryCreate($"http://{host}/", UriKind.Absolute, out var uri)
            || uri.AbsolutePath != "/" || !string.IsNullOrEmpty(uri.UserInfo))
            throw new UsageException($"'{host}' in '{whole}' is not a HOST[:PORT]");
        return host;
    }

    /// <summary>localhost and loopback addresses, which oreg reaches over plain HTTP unless told otherwise.</summary>
    public static bool IsLoopback(string host)
    {
        var uri = new Uri($"http://{host}/");
        if (uri.IsLoopback)
            return true;
        return IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address);
    }
}
