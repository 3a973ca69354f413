using OrleansRegistry.Core;

namespace OrleansRegistry.Server.Errors;

/// <summary>
/// Every failure reaches the client as the spec's error body: known ones with their own code, anything else as
/// 500 UNKNOWN whose detail carries an id that matches the log line with the stack trace.
/// </summary>
public sealed class RegistryErrorMiddleware(RequestDelegate next, ILogger<RegistryErrorMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
        }
        catch (Exception e) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away; there is no one to answer.
            logger.LogDebug(e, "Request {Method} {Path} aborted by the client", context.Request.Method, context.Request.Path);
        }
        catch (Exception e)
        {
            var result = ErrorMapping.TryMap(e);
            if (result is null)
            {
                var id = Guid.NewGuid().ToString("N");
                logger.LogError(e, "Unexpected error {ErrorId} in {Method} {Path}", id, context.Request.Method, context.Request.Path);
                result = RegistryErrorResult.From(ErrorCatalog.Unknown, "internal error", new { id });
            }
            else if (result.StatusCode >= 500)
            {
                logger.LogWarning(e, "{Code} in {Method} {Path}", result.Error.Code, context.Request.Method, context.Request.Path);
            }
            if (context.Response.HasStarted) { context.Abort(); return; }
            context.Response.Clear();
            await result.ExecuteAsync(context);
        }
    }
}
