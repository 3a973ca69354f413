using System.Net;
using OrleansRegistry.Core;

namespace OrleansRegistry.Client.Errors;

/// <summary>
/// The registry answered with a status the operation does not expect and either no spec error body or one whose first
/// code is not in <see cref="ErrorCatalog"/> (a registry's own extension). <see cref="Errors"/> holds what was decoded.
/// </summary>
public sealed class UnexpectedStatusException : RegistryClientException
{
    public UnexpectedStatusException(HttpMethod method, Uri? requestUri, HttpStatusCode statusCode, string bodyExcerpt,
        IReadOnlyList<RegistryError> errors)
        : base(Describe(method, requestUri, statusCode, bodyExcerpt, errors))
    {
        Method = method;
        RequestUri = requestUri;
        StatusCode = statusCode;
        BodyExcerpt = bodyExcerpt;
        Errors = errors;
    }

    public HttpMethod Method { get; }

    public Uri? RequestUri { get; }

    public HttpStatusCode StatusCode { get; }

    /// <summary>The start of the response body as text (bounded), for diagnosis; empty for HEAD or an empty body.</summary>
    public string BodyExcerpt { get; }

    /// <summary>The entries of a spec error body with codes the catalog does not know; empty when there was no such body.</summary>
    public IReadOnlyList<RegistryError> Errors { get; }

    private static string Describe(HttpMethod method, Uri? uri, HttpStatusCode status, string excerpt,
        IReadOnlyList<RegistryError> errors)
    {
        var what = errors.Count > 0
            ? string.Join("; ", errors.Select(e => $"{e.Code}: {e.Message}"))
            : excerpt.Length > 0 ? excerpt : "no error body";
        return $"{method} {uri?.AbsolutePath} answered {(int)status} {status}: {what}";
    }
}
