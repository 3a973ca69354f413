using Microsoft.AspNetCore.Http.Features;

namespace OrleansRegistry.Server.Observability;

/// <summary>
/// Labels each request's ASP.NET Core metrics (<c>http.server.request.duration</c>: count, latency, status) with the
/// spec resource it addressed, and counts its request and response body bytes under the same label. First in the
/// pipeline, so that error bodies count too.
/// </summary>
public sealed class RequestMetricsMiddleware(RequestDelegate next, RegistryMetrics metrics)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var route = RouteLabels.Of(context);
        context.Features.Get<IHttpMetricsTagsFeature>()?.Tags.Add(new(RegistryMetrics.RouteTag, route));

        var request = context.Request.Body;
        var countRequest = context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody ?? true;
        if (countRequest) context.Request.Body = new ByteCountingStream(request, n => metrics.RequestBodyRead(route, n));
        var response = context.Features.Get<IHttpResponseBodyFeature>();
        if (response is not null)
            context.Features.Set<IHttpResponseBodyFeature>(new ByteCountingResponseBody(response, n => metrics.ResponseBodyWritten(route, n)));
        try
        {
            await next(context);
        }
        finally
        {
            if (countRequest) context.Request.Body = request;
            if (response is not null) context.Features.Set(response);
        }
    }
}
