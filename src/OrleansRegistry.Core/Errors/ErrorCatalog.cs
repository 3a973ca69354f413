using System.Text;

namespace OrleansRegistry.Core;

/// <summary>
/// Every error code the registry answers with. Codes, messages and statuses follow the spec's
/// "Error Codes" table and CNCF distribution's registry/api/errcode, so clients that special-case them keep working.
/// </summary>
public static class ErrorCatalog
{
    public static readonly ErrorDescriptor BlobUnknown = new(
        "BLOB_UNKNOWN", "blob unknown to registry",
        "The blob is unknown to the registry in the requested repository, on a pull or when a mount source is missing.", 404);

    // distribution sends 404 here; the spec's endpoint table lists 400 for a failed finish, which is what an invalid upload is.
    public static readonly ErrorDescriptor BlobUploadInvalid = new(
        "BLOB_UPLOAD_INVALID", "blob upload invalid",
        "The blob upload encountered an error and can no longer proceed.", 400);

    public static readonly ErrorDescriptor BlobUploadUnknown = new(
        "BLOB_UPLOAD_UNKNOWN", "blob upload unknown to registry",
        "The upload session was cancelled, has expired or was never started.", 404);

    public static readonly ErrorDescriptor DigestInvalid = new(
        "DIGEST_INVALID", "provided digest did not match uploaded content",
        "The digest is malformed, uses an unsupported algorithm, or does not match the uploaded content.", 400);

    // 400 rather than 404, as distribution does: the manifest request is what is wrong, not the URL.
    public static readonly ErrorDescriptor ManifestBlobUnknown = new(
        "MANIFEST_BLOB_UNKNOWN", "manifest references a manifest or blob unknown to registry",
        "A manifest push references a blob or child manifest that does not exist in the repository.", 400);

    public static readonly ErrorDescriptor ManifestInvalid = new(
        "MANIFEST_INVALID", "manifest invalid",
        "The pushed manifest failed validation (malformed JSON, wrong schema version, mismatched media type or a bad descriptor).", 400);

    public static readonly ErrorDescriptor ManifestUnknown = new(
        "MANIFEST_UNKNOWN", "manifest unknown to registry",
        "The manifest, identified by tag or digest, is unknown to the repository.", 404);

    public static readonly ErrorDescriptor ManifestUnverified = new(
        "MANIFEST_UNVERIFIED", "manifest failed signature verification",
        "The pushed manifest failed signature verification.", 400);

    public static readonly ErrorDescriptor NameInvalid = new(
        "NAME_INVALID", "invalid repository name",
        "The repository name does not match the spec's <name> grammar or is longer than 255 characters.", 400);

    public static readonly ErrorDescriptor NameUnknown = new(
        "NAME_UNKNOWN", "repository name not known to registry",
        "The repository named in the request is unknown to the registry.", 404);

    public static readonly ErrorDescriptor SizeInvalid = new(
        "SIZE_INVALID", "provided length did not match content length",
        "The size given by the client does not match the length of the uploaded content.", 400);

    public static readonly ErrorDescriptor TagInvalid = new(
        "TAG_INVALID", "manifest tag did not match URI",
        "The tag is malformed (the spec allows [a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}) or does not match the one in the URI.", 400);

    public static readonly ErrorDescriptor Unauthorized = new(
        "UNAUTHORIZED", "authentication required",
        "The client could not be authenticated; the response carries a WWW-Authenticate header saying how to.", 401);

    public static readonly ErrorDescriptor Denied = new(
        "DENIED", "requested access to the resource is denied",
        "The client is authenticated but not allowed to perform the operation on the resource.", 403);

    public static readonly ErrorDescriptor Unsupported = new(
        "UNSUPPORTED", "the operation is unsupported",
        "The operation is not implemented by this registry or was requested with an invalid set of parameters.", 405);

    public static readonly ErrorDescriptor TooManyRequests = new(
        "TOOMANYREQUESTS", "too many requests",
        "The client sent too many requests; a Retry-After header says when to try again.", 429);

    public static readonly ErrorDescriptor Unknown = new(
        "UNKNOWN", "unknown error",
        "An unexpected failure that has no more specific code.", 500);

    public static readonly ErrorDescriptor Unavailable = new(
        "UNAVAILABLE", "service unavailable",
        "The registry cannot serve the request right now (for example a silo or the database is unreachable); retry later.", 503);

    public static readonly ErrorDescriptor RangeInvalid = new(
        "RANGE_INVALID", "invalid content range",
        "An upload chunk does not start at the committed offset, or its Content-Range is malformed; GET the upload for its current Range.", 416);

    public static readonly ErrorDescriptor RangeNotSatisfiable = new(
        "RANGE_NOT_SATISFIABLE", "requested range not satisfiable",
        "The Range of a blob GET lies outside the blob (RFC 9110, section 15.5.17).", 416);

    public static readonly ErrorDescriptor PaginationNumberInvalid = new(
        "PAGINATION_NUMBER_INVALID", "invalid number of results requested",
        "The n parameter (number of results to return) is not an integer, is negative, or is bigger than the maximum allowed.", 400);

    public static readonly ErrorDescriptor ManifestTooLarge = new(
        "MANIFEST_TOO_LARGE", "manifest too large",
        "The manifest body is over the registry's limit (Registry:Limits:Manifest:MaxBytes, 4 MiB by default); the spec says a registry SHOULD enforce a limit, SHOULD answer 413 above it, and SHOULD accept at least 4 megabytes (\"Pushing Manifests\").", 413);

    /// <summary>All descriptors in catalog order.</summary>
    public static IReadOnlyList<ErrorDescriptor> All { get; } =
    [
        BlobUnknown, BlobUploadInvalid, BlobUploadUnknown, DigestInvalid, ManifestBlobUnknown, ManifestInvalid,
        ManifestUnknown, ManifestUnverified, NameInvalid, NameUnknown, SizeInvalid, TagInvalid, Unauthorized,
        Denied, Unsupported, TooManyRequests, Unknown, Unavailable, RangeInvalid, RangeNotSatisfiable,
        PaginationNumberInvalid, ManifestTooLarge,
    ];

    private static readonly Dictionary<string, ErrorDescriptor> ByCode =
        All.ToDictionary(d => d.Code, StringComparer.Ordinal);

    /// <summary>The descriptor with exactly this code (case-sensitive, as the spec's codes are), or null.</summary>
    public static ErrorDescriptor? Find(string code) =>
        code is not null && ByCode.TryGetValue(code, out var descriptor) ? descriptor : null;

    /// <summary>The text of docs/errors.md.</summary>
    public static string RenderMarkdown()
    {
        var text = new StringBuilder();
        text.Append("# Registry error codes\n\n");
        text.Append("<!-- Generated from OrleansRegistry.Core.ErrorCatalog.RenderMarkdown(); do not edit by hand. -->\n");
        text.Append("This file is generated from `ErrorCatalog` in `src/OrleansRegistry.Core/Errors/ErrorCatalog.cs`, ");
        text.Append("and a test in `tests/OrleansRegistry.Core.Tests` fails when the two differ. To regenerate it, run\n");
        text.Append("`UPDATE_DOCS=1 dotnet test tests/OrleansRegistry.Core.Tests`.\n\n");
        text.Append("Error bodies have the spec's shape: `{\"errors\":[{\"code\":\"...\",\"message\":\"...\",\"detail\":...}]}`.\n\n");
        text.Append("| Code | HTTP status | Message | Description |\n");
        text.Append("|------|-------------|---------|-------------|\n");
        foreach (var d in All)
        {
            text.Append("| `").Append(d.Code).Append("` | ").Append(d.HttpStatus)
                .Append(" | ").Append(Cell(d.Message)).Append(" | ").Append(Cell(d.Description)).Append(" |\n");
        }
        return text.ToString();
    }

    // A '|' would end the table cell early and '<' would be read as HTML.
    private static string Cell(string value) => value.Replace("|", "\\|").Replace("<", "&lt;");
}
