using Orleans.Dashboard;

namespace OrleansRegistry.Server.Hosting;

/// <summary>
/// The Orleans dashboard (silos, activations, calls per grain type, slow methods, reminders, a log stream), served
/// by this process under /dashboard. On by default for local runs; <c>Registry:Dashboard:Enabled=false</c> leaves it
/// out entirely. The same section sets its <see cref="DashboardOptions"/> (<c>HideTrace</c>, <c>CounterUpdateIntervalMs</c>,
/// <c>HistoryLength</c>).
/// </summary>
public static class DashboardHosting
{
    public const string Section = $"{RegistryOptions.Section}:Dashboard";

    public const string RoutePrefix = "/dashboard";

    public static bool IsEnabled(IConfiguration configuration) => configuration.GetValue($"{Section}:Enabled", true);

    public static ISiloBuilder AddRegistryDashboard(this ISiloBuilder silo, IConfiguration configuration)
    {
        if (!IsEnabled(configuration)) return silo;
        silo.AddDashboard();
        silo.Services.Configure<DashboardOptions>(configuration.GetSection(Section));
        return silo;
    }

    /// <summary>Maps the dashboard's pages and APIs when it is enabled; null otherwise.</summary>
    public static RouteGroupBuilder? MapRegistryDashboard(this IEndpointRouteBuilder endpoints, IConfiguration configuration) =>
        IsEnabled(configuration) ? endpoints.MapOrleansDashboard(routePrefix: RoutePrefix) : null;
}
