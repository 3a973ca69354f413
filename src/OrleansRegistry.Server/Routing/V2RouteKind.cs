namespace OrleansRegistry.Server.Routing;

/// <summary>The resources of the spec's <c>/v2/</c> surface (spec: "Endpoints", end-1 … end-13).</summary>
public enum V2RouteKind
{
    Base,          // /v2/
    Catalog,       // /v2/_catalog
    TagsList,      // /v2/<name>/tags/list
    Manifest,      // /v2/<name>/manifests/<reference>
    Blob,          // /v2/<name>/blobs/<digest>
    UploadStart,   // /v2/<name>/blobs/uploads/
    Upload,        // /v2/<name>/blobs/uploads/<uuid>
    Referrers,     // /v2/<name>/referrers/<digest>
}
