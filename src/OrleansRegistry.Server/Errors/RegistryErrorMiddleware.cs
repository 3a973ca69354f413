using OrleansRegistry.Core;

namespace OrleansRegistry.Server.Errors;

/// <summary>
/// Every failure reaches the client as the spec's error body: known ones with their own code, anything else as
/// 500 UNKNOWN whose detail carries the request id, which the log line with the stack trace names too.
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
                // The request id is also in the scope of every log line of this request (RequestId), so the operator
                // who is handed the detail finds this line and whatever else the request logged.
                var requestId = context.TraceIdentifier;
                logger.LogError(e, "Unexpected error in {Method} {Path}, request {RequestId}", context.Request.Method,
                    context.Request.Path, requestId);
                result = RegistryErrorResult.From(ErrorCatalog.Unknown, "internal error", new { requestId });
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
