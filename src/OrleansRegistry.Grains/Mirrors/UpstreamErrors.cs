using System.Net;
using OrleansRegistry.Client.Errors;
using OrleansRegistry.Core;

namespace OrleansRegistry.Grains.Mirrors;

/// <summary>
/// What an upstream's failure becomes for our client: the spec's "not found" errors pass on as themselves; everything
/// that says the upstream cannot answer now (down, timed out, 5xx, 429, garbled content) is UNAVAILABLE with its reason
/// and, when the upstream said so, its Retry-After (detail <c>retryAfter</c>, seconds).
/// </summary>
public static class UpstreamErrors
{
    /// <summary>Whether <paramref name="e"/> is UNAVAILABLE made by <see cref="Translate"/> (the upstream could not answer).</summary>
    public static bool IsUnavailable(RegistryException e) => e.Descriptor == ErrorCatalog.Unavailable;

    public static RegistryException Translate(Exception failure, Mirror mirror, string what) => failure switch
    {
        // Already ours (the request pacer refused to queue more).
        RegistryException e when IsUnavailable(e) && e.Message.StartsWith(Prefix(mirror), StringComparison.Ordinal) => e,
        RegistryException { Descriptor: var d } e when d == ErrorCatalog.ManifestUnknown || d == ErrorCatalog.NameUnknown || d == ErrorCatalog.BlobUnknown
            => new RegistryException(d, $"{mirror.Namespace}: {e.Message}", e.Detail),
        // A registry that does not know a repository often says "authentication required" (Docker Hub does).
        RegistryException { Descriptor: var d } e when d == ErrorCatalog.Unauthorized || d == ErrorCatalog.Denied
            => new RegistryException(ErrorCatalog.NameUnknown,
                $"{mirror.Namespace} refused {what} ({e.Message}): the repository does not exist there, or needs credentials this mirror does not have"),
        UnexpectedStatusException { StatusCode: HttpStatusCode.NotFound } => new RegistryException(ErrorCatalog.NameUnknown, $"{mirror.Namespace} does not have {what}"),
        _ => Unavailable(mirror, $"{what}: {Describe(failure)}", failure.GetRetryAfter()),
    };

    public static RegistryException Unavailable(Mirror mirror, string reason, TimeSpan? retryAfter = null) =>
        new(ErrorCatalog.Unavailable, $"{Prefix(mirror)}{reason})",
            new { upstream = mirror.Namespace, retryAfter = (int)Math.Ceiling((retryAfter ?? TimeSpan.FromSeconds(1)).TotalSeconds) });

    private static string Prefix(Mirror mirror) => $"upstream {mirror.Namespace} is unavailable (";

    private static string Describe(Exception failure) => failure switch
    {
        OperationCanceledException => "no answer in time",
        DigestMismatchException or SizeMismatchException => $"sent content that does not match its digest: {failure.Message}",
        _ => failure.Message,
    };
}
