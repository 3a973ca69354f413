using OrleansRegistry.Core;

namespace OrleansRegistry.Grains.Mirrors;

/// <summary>A local repository that belongs to a mirror, with its name upstream.</summary>
public sealed record MirroredRepository(Mirror Mirror, RepositoryName Local, RepositoryName Upstream)
{
    /// <summary>Whether the mirror's allow list lets this repository be pulled from the upstream.</summary>
    public bool Allowed => Mirror.Allows(Upstream);

    /// <summary>NAME_UNKNOWN for a repository under the prefix that the allow list leaves out.</summary>
    public RegistryException NotAllowed() => new(ErrorCatalog.NameUnknown,
        $"repository {Upstream} of {Mirror.Namespace} is not in the mirror's allow list", new { name = Local.Value });
}
