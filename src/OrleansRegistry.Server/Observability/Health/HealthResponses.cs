using System.Text.Json;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace OrleansRegistry.Server.Observability.Health;

/// <summary>The bodies of /healthz (plain <c>ok</c>) and /readyz (JSON naming every check, failing ones first).</summary>
public static class HealthResponses
{
    public static Task WriteLiveness(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync(report.Status == HealthStatus.Healthy ? "ok" : report.Status.ToString());
    }

    public static Task WriteReadiness(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        var body = new
        {
            status = report.Status.ToString(),
            failing = report.Entries.Where(e => e.Value.Status != HealthStatus.Healthy).Select(e => e.Key).ToArray(),
            checks = report.Entries
                .OrderBy(e => e.Value.Status == HealthStatus.Healthy)
                .Select(e => new
                {
                    name = e.Key,
                    status = e.Value.Status.ToString(),
                    description = e.Value.Description,
                    durationMs = Math.Round(e.Value.Duration.TotalMilliseconds, 1),
                })
                .ToArray(),
        };
        return context.Response.WriteAsync(JsonSerializer.Serialize(body));
    }
}
