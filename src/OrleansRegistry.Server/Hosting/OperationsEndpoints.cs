using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using OrleansRegistry.Server.Observability.Health;
using OrleansRegistry.Server.Security;

namespace OrleansRegistry.Server.Hosting;

/// <summary>The operator's surface beside /v2: health probes, /metrics, the Orleans dashboard and /admin (AdminEndpoints).</summary>
public static class OperationsEndpoints
{
    public const string LivenessPath = "/healthz";
    public const string ReadinessPath = "/readyz";
    public const string MetricsPath = "/metrics";

    public static WebApplication MapRegistryOperations(this WebApplication app)
    {
        // Probes stay anonymous: kubelets and load balancers call them without credentials.
        app.MapHealthChecks(LivenessPath, new HealthCheckOptions
        {
            Predicate = _ => false,
            ResponseWriter = HealthResponses.WriteLiveness,
        });
        app.MapHealthChecks(ReadinessPath, new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(ObservabilityHosting.ReadinessTag),
            ResponseWriter = HealthResponses.WriteReadiness,
        });

        // Everything an operator reads (the dashboard's pages and its APIs, which show grain state and a log stream,
        // /metrics and /admin) hangs off this one group, and with authentication on only admins may read it.
        var operations = app.MapGroup("").RequireAdminWhenSecured(app.Configuration);
        operations.MapPrometheusScrapingEndpoint(MetricsPath);
        operations.MapRegistryDashboard(app.Configuration);
        operations.MapAdminEndpoints();
        app.CheckRegistryCollection();
        return app;
    }
}
