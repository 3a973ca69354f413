using OrleansRegistry.Server.Endpoints;
using OrleansRegistry.Server.Errors;
using OrleansRegistry.Server.Hosting;
using OrleansRegistry.Server.Hosting.Limits;
using OrleansRegistry.Server.Hosting.Tls;
using OrleansRegistry.Server.Observability;
using OrleansRegistry.Server.Security;

// `migrate [--wait]`: the schema step of a deployment (k8s/migrate-job.yaml), then exit; no server starts.
if (SchemaScriptRunner.IsRequested(args)) { Environment.ExitCode = await SchemaScriptRunner.RunAsync(args); return; }

// appsettings.json sits beside the binary, so the server starts the same from any working directory.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.Services.ConfigureHttpJsonOptions(o =>
    o.SerializerOptions.DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull);
builder.AddRegistry();
builder.AddRegistrySecurity();
builder.AddRegistryLimits();
builder.AddRegistryTls();

var app = builder.Build();
app.UseRegistryForwardedHeaders(); // the client behind a trusted proxy, for everything below
app.UseMiddleware<RequestMetricsMiddleware>();
app.Use((context, next) =>
{
    context.Response.OnStarting(() =>
    {
        context.Response.Headers[RegistryHeaders.ApiVersion] = RegistryHeaders.ApiVersionValue;
        return Task.CompletedTask;
    });
    return next(context);
});
app.UseMiddleware<RegistryErrorMiddleware>();
app.UseRegistrySecurity();
app.UseRegistryLimits(); // keys on the caller: after authentication
app.MapRegistryOperations();
app.MapRegistryV2();
app.Run();

public partial class Program;
