using OpenTelemetry.Metrics;
using OrleansRegistry.Grains;
using OrleansRegistry.Server.Observability;
using OrleansRegistry.Server.Observability.Health;

namespace OrleansRegistry.Server.Hosting;

/// <summary>Request-scoped logs, metrics (OpenTelemetry, exported for Prometheus) and the health checks behind /readyz.</summary>
public static class ObservabilityHosting
{
    /// <summary>The tag of the checks /readyz runs; /healthz runs none (the process answering is the whole check).</summary>
    public const string ReadinessTag = "ready";

    // A check that hangs (a blackholed database) must not hold the probe open: it reports unhealthy after this long,
    // which is below a Kubernetes probe's timeoutSeconds (3 s is usual), so the probe gets the body naming the check.
    private static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(2);

    public static WebApplicationBuilder AddRegistryObservability(this WebApplicationBuilder builder)
    {
        // Request log lines carry ASP.NET Core's request scope (RequestId, RequestPath) when the console formatter
        // includes scopes (appsettings.json). Of the Activity ids only the trace id is kept: it is the one a caller can
        // send (traceparent) and find again; span and parent ids only lengthen every line.
        builder.Logging.Configure(o => o.ActivityTrackingOptions = ActivityTrackingOptions.TraceId);

        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(
                RegistryMeter.Name,
                "Microsoft.Orleans",
                "Microsoft.AspNetCore.Hosting", // http.server.request.duration: count and latency by route and status
                "Microsoft.AspNetCore.Server.Kestrel")
            .AddPrometheusExporter());

        builder.Services.AddHealthChecks()
            .AddCheck<DatabaseHealthCheck>("postgresql", tags: [ReadinessTag], timeout: CheckTimeout)
            .AddCheck<BlobStoreHealthCheck>("blob-store", tags: [ReadinessTag], timeout: CheckTimeout)
            .AddCheck<SiloHealthCheck>("orleans-silo", tags: [ReadinessTag], timeout: CheckTimeout);
        return builder;
    }
}
