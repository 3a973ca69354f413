using OrleansRegistry.Core;

namespace OrleansRegistry.Grains.Mirrors;

/// <summary>
/// Every configured mirror (<c>Registry:Mirrors</c>), checked at start: which local repositories are mirrored and
/// where from. The longest matching prefix wins, so <c>hub/</c> and a transparent <c>""</c> can coexist.
/// </summary>
public sealed class MirrorSet
{
    private readonly IReadOnlyList<Mirror> _byPrefixLength;

    public MirrorSet(IReadOnlyList<MirrorOptions> options)
    {
        Mirrors = options.Select((o, i) => new Mirror(o, i)).ToList();
        foreach (var group in Mirrors.GroupBy(m => m.Prefix).Where(g => g.Count() > 1))
            throw new InvalidOperationException($"{MirrorOptions.Section}: two mirrors have the prefix '{group.Key}'");
        foreach (var group in Mirrors.GroupBy(m => m.Namespace, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1))
            throw new InvalidOperationException($"{MirrorOptions.Section}: two mirrors have the namespace '{group.Key}' (set Namespace)");
        _byPrefixLength = Mirrors.OrderByDescending(m => m.Prefix.Length).ToList();
    }

    public IReadOnlyList<Mirror> Mirrors { get; }

    public bool IsEmpty => Mirrors.Count == 0;

    /// <summary>The mirror <paramref name="repository"/> belongs to, with its upstream name; null when it is an ordinary repository.</summary>
    public MirroredRepository? Match(RepositoryName repository)
    {
        foreach (var mirror in _byPrefixLength)
        {
            var name = repository.Value;
            if (!name.StartsWith(mirror.Prefix, StringComparison.Ordinal)) continue;
            // A name equal to the prefix without its slash (hub) is not under it; the remainder is a valid name.
            return new MirroredRepository(mirror, repository, RepositoryName.Parse(name[mirror.Prefix.Length..]));
        }
        return null;
    }

    /// <summary>The mirror whose namespace is <paramref name="ns"/> (a client's <c>?ns=</c>), or null.</summary>
    public Mirror? ForNamespace(string ns) =>
        Mirrors.FirstOrDefault(m => string.Equals(m.Namespace, ns, StringComparison.OrdinalIgnoreCase));

    /// <summary>The mirror named <paramref name="ns"/> (a fetch grain's key), which exists: the key was made from it.</summary>
    public Mirror Named(string ns) => ForNamespace(ns)
        ?? throw new InvalidOperationException($"no mirror named {ns} is configured on this silo");
}
