namespace OrleansRegistry.Server.Endpoints;

/// <summary>Header names the spec and its clients rely on.</summary>
public static class RegistryHeaders
{
    public const string ApiVersion = "Docker-Distribution-API-Version";
    public const string ApiVersionValue = "registry/2.0";
    public const string ContentDigest = "Docker-Content-Digest";
    public const string UploadUuid = "Docker-Upload-UUID";
    public const string OciSubject = "OCI-Subject";
    public const string OciFiltersApplied = "OCI-Filters-Applied";

    /// <summary>The proxying extension: the upstream namespace a <c>?ns=</c> request was answered from.</summary>
    public const string OciNamespace = "OCI-Namespace";

    /// <summary>Ours, on catalog and tags list responses: the largest page this registry serves, whatever <c>n</c> asked.</summary>
    public const string MaxPageSize = "Registry-Max-Page-Size";
}
