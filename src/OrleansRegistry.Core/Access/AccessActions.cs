namespace OrleansRegistry.Core.Access;

/// <summary>
/// The actions of the Docker token specification's scopes ("Token Scope Documentation": <c>pull</c>, <c>push</c>,
/// <c>delete</c> on repositories, <c>*</c> for everything, as <c>registry:catalog:*</c> uses it).
/// </summary>
public static class AccessActions
{
    public const string Pull = "pull";
    public const string Push = "push";
    public const string Delete = "delete";
    public const string All = "*";

    /// <summary>The repository actions a <c>*</c> stands for.</summary>
    public static readonly IReadOnlyList<string> Repository = [Pull, Push, Delete];

    /// <summary>Resource types of the spec: <c>repository</c> and <c>registry</c> (whose one name is <c>catalog</c>).</summary>
    public const string RepositoryType = "repository";
    public const string RegistryType = "registry";
    public const string CatalogName = "catalog";
}
