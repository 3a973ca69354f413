using Orleans.Runtime;
using OrleansRegistry.Core;
using OrleansRegistry.Storage.Index;

namespace OrleansRegistry.Server.Errors;

/// <summary>The one place where failures become catalog errors.</summary>
public static class ErrorMapping
{
    /// <summary>The error for an exception, or null when it is unexpected (a bug: 500 UNKNOWN with a log line).</summary>
    public static RegistryErrorResult? TryMap(Exception exception) => exception switch
    {
        RegistryException e => new(e.Descriptor.HttpStatus, e.ToError()),
        // A silo that died or stopped answering: retryable, never a bare 500: Orleans throws these for calls a dead silo never answered.
        OrleansMessageRejectionException or SiloUnavailableException or TimeoutException =>
            RegistryErrorResult.From(ErrorCatalog.Unavailable, "the registry is temporarily unavailable; retry"),
        // PostgreSQL unreachable, restarting or dropping the connection: retryable too, and a client that sees 503
        // retries where a 500 would make it give up.
        _ when DatabaseFailures.IsTransient(exception) =>
            RegistryErrorResult.From(ErrorCatalog.Unavailable, "the registry's database is temporarily unavailable; retry"),
        BadHttpRequestException e => RegistryErrorResult.From(
            e.StatusCode == StatusCodes.Status413PayloadTooLarge ? ErrorCatalog.SizeInvalid : ErrorCatalog.BlobUploadInvalid,
            e.Message),
        _ => null,
    };
}
