using OrleansRegistry.Core;
using OrleansRegistry.Server.Routing;
using OrleansRegistry.Storage.Index;

namespace OrleansRegistry.Server.Endpoints;

/// <summary>
/// end-12a/12b: the referrers of a digest as an OCI image index, filtered by <c>artifactType</c>. Never 404
/// (spec: "Listing Referrers"): a digest nothing refers to gets an empty index.
/// </summary>
public static class ReferrerEndpoints
{
    public static async Task<IResult> List(HttpContext context, V2Route route, IRegistryIndex index)
    {
        var subject = RequestArguments.RequireDigest(route.Argument);
        var artifactType = context.Request.Query["artifactType"].ToString();
        var filter = artifactType.Length > 0 ? artifactType : null;
        var referrers = await index.ListReferrersAsync(route.Repository, subject, filter, context.RequestAborted);
        if (filter is not null) context.Response.Headers[RegistryHeaders.OciFiltersApplied] = "artifactType";

        var manifests = referrers.Select(r => new ReferrerDescriptor(r.MediaType, r.Digest.ToString(), r.Size, r.ArtifactType,
            r.Annotations is { Count: > 0 } ? r.Annotations : null)).ToList();
        return TypedResults.Json(new ReferrersIndex(2, MediaTypes.OciIndex, manifests), contentType: MediaTypes.OciIndex);
    }

    private sealed record ReferrersIndex(int SchemaVersion, string MediaType, IReadOnlyList<ReferrerDescriptor> Manifests);

    private sealed record ReferrerDescriptor(string MediaType, string Digest, long Size, string? ArtifactType,
        IReadOnlyDictionary<string, string>? Annotations);
}
