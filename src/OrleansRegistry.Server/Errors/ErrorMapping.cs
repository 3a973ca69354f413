using Npgsql;
using Orleans.Runtime;
using OrleansRegistry.Core;

namespace OrleansRegistry.Server.Errors;

/// <summary>The one place where failures become catalog errors.</summary>
public static class ErrorMapping
{
    /// <summary>The error for an exception, or null when it is unexpected (a bug: 500 UNKNOWN with a log line).</summary>
    public static RegistryErrorResult? TryMap(Exception exception) => exception switch
    {
        RegistryException e => new(e.Descriptor.HttpStatus, e.ToError()),
        // A silo that died or stopped answering: retryable, never a bare 500 (toolchain-facts, Orleans).
        OrleansMessageRejectionException or SiloUnavailableException or TimeoutException =>
            RegistryErrorResult.From(ErrorCatalog.Unavailable, "the registry is temporarily unavailable; retry"),
        // PostgreSQL unreachable, restarting or dropping the connection: retryable too, and a client that sees 503
        // retries where a 500 would make it give up.
        _ when IsTransientDatabaseFailure(exception) =>
            RegistryErrorResult.From(ErrorCatalog.Unavailable, "the registry's database is temporarily unavailable; retry"),
        BadHttpRequestException e => RegistryErrorResult.From(
            e.StatusCode == StatusCodes.Status413PayloadTooLarge ? ErrorCatalog.SizeInvalid : ErrorCatalog.BlobUploadInvalid,
            e.Message),
        _ => null,
    };

    private static bool IsTransientDatabaseFailure(Exception exception)
    {
        // Orleans' persistence providers and grain calls may wrap the driver's exception.
        for (var e = exception; e is not null; e = e.InnerException)
            if (e is NpgsqlException { IsTransient: true })
                return true;
        return false;
    }
}
