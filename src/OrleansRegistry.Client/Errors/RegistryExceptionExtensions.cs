using System.Net;
using OrleansRegistry.Core;

namespace OrleansRegistry.Client.Errors;

/// <summary>
/// What the client keeps on a <see cref="RegistryException"/> decoded from a response: Core's exception is sealed and
/// carries only the first error, so the whole body and the HTTP status ride in <see cref="Exception.Data"/>.
/// </summary>
public static class RegistryExceptionExtensions
{
    internal const string ErrorsKey = "OrleansRegistry.Client.Errors";
    internal const string StatusKey = "OrleansRegistry.Client.StatusCode";
    internal const string RetryAfterKey = "OrleansRegistry.Client.RetryAfter";

    /// <summary>
    /// The wait a refusing response asked for in <c>Retry-After</c> (e.g. a 429 or 503), on any exception the client
    /// decoded from a response (<see cref="RegistryException"/> or <see cref="UnexpectedStatusException"/>); null when none.
    /// </summary>
    public static TimeSpan? GetRetryAfter(this Exception exception) => exception.Data[RetryAfterKey] as TimeSpan?;

    /// <summary>Every error of the response body, in order (the exception's descriptor is the first one's); empty when not decoded from a response.</summary>
    public static IReadOnlyList<RegistryError> GetResponseErrors(this RegistryException exception) =>
        exception.Data[ErrorsKey] as IReadOnlyList<RegistryError> ?? [];

    /// <summary>The HTTP status the registry sent, which may differ from the catalog's (registries disagree on a few).</summary>
    public static HttpStatusCode? GetResponseStatus(this RegistryException exception) =>
        exception.Data[StatusKey] as HttpStatusCode?;

    internal static RegistryException WithResponse(this RegistryException exception, HttpStatusCode status,
        IReadOnlyList<RegistryError> errors)
    {
        exception.Data[ErrorsKey] = errors;
        exception.Data[StatusKey] = status;
        return exception;
    }
}
