using OrleansRegistry.Core;
using OrleansRegistry.Server.Errors;
using OrleansRegistry.Server.Routing;
using OrleansRegistry.Server.Security.Audit;

namespace OrleansRegistry.Server.Security.Authorization;

/// <summary>
/// Authorises every <c>/v2/</c> request before its endpoint runs (after authentication set <c>HttpContext.User</c>):
/// the access the route needs (<see cref="RequiredAccess"/>), decided by <see cref="AccessPolicy"/>, answered
/// <c>401 UNAUTHORIZED</c> with the challenge, <c>401</c> with <c>error="insufficient_scope"</c>, or <c>403 DENIED</c>,
/// and audited. The answer is written here rather than thrown, so no error handler's <c>Response.Clear()</c> can drop
/// the <c>WWW-Authenticate</c> header.
/// </summary>
public sealed class RegistryAuthorizationMiddleware(RequestDelegate next, AccessPolicy policy, Challenge challenge, AuditLog audit)
{
    public Task InvokeAsync(HttpContext context)
    {
        if (!context.Request.Path.StartsWithSegments("/v2")) return next(context);
        var route = V2RouteParser.ForRequest(context);
        var required = RequiredAccess.For(route, context.Request.Method);
        var decision = policy.Decide(context.User, required.Scope);
        var outcome = decision switch
        {
            AccessDecision.Allowed => AuditOutcomes.Allowed,
            AccessDecision.Unauthenticated => AuditOutcomes.Unauthenticated,
            AccessDecision.InsufficientScope => AuditOutcomes.InsufficientScope,
            _ => AuditOutcomes.Denied,
        };
        audit.Decision(context, required.Scope, outcome, required.IsWrite);
        if (decision == AccessDecision.Allowed) return next(context);

        if (decision == AccessDecision.Denied)
            return RegistryErrorResult.From(ErrorCatalog.Denied, "requested access to the resource is denied",
                required.Scope is null ? null : new[] { Detail(required) }).ExecuteAsync(context);
        context.Response.Headers.WWWAuthenticate = challenge.For(context.Request, required.Scope, decision == AccessDecision.InsufficientScope);
        return RegistryErrorResult.From(ErrorCatalog.Unauthorized, "authentication required",
            required.Scope is null ? null : new[] { Detail(required) }).ExecuteAsync(context);
    }

    // distribution's error detail: [{"Type":"repository","Class":"","Name":"…","Action":"pull"}]
    private static object Detail(RequiredAccess required) => new
    {
        Type = required.Scope!.Type,
        Class = required.Scope.Class ?? "",
        Name = required.Scope.Name,
        Action = string.Join(',', required.Scope.Actions),
    };
}
