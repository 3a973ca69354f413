using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using OrleansRegistry.Server.Security.Audit;
using OrleansRegistry.Server.Security.Authentication;
using OrleansRegistry.Server.Security.Authorization;
using OrleansRegistry.Server.Security.Tokens;

namespace OrleansRegistry.Server.Security;

/// <summary>
/// Wires authentication (scheme <c>Registry</c>), the token endpoint, /v2 authorisation and the admin policy of the
/// operations surface, all only when <c>Registry:Auth</c> turns authentication on: with it off nothing here is
/// registered and the hot path pays nothing.
/// </summary>
public static class SecurityHosting
{
    public const string AdminPolicy = "RegistryAdmin";

    public static AuthOptions Options(IConfiguration configuration) =>
        configuration.GetSection(AuthOptions.Section).Get<AuthOptions>() ?? new AuthOptions();

    public static WebApplicationBuilder AddRegistrySecurity(this WebApplicationBuilder builder)
    {
        builder.Services.Configure<AuthOptions>(builder.Configuration.GetSection(AuthOptions.Section));
        var options = Options(builder.Configuration);
        if (!options.Enabled) return builder;

        var services = builder.Services;
        if (!string.IsNullOrWhiteSpace(options.Htpasswd))
        {
            services.AddSingleton<HtpasswdFile>();
            services.AddSingleton<VerifiedCredentials>();
        }
        if (options.Token.Enabled)
        {
            services.AddSingleton<SigningKey>();
            services.AddSingleton<TokenMinter>();
        }
        services.AddHttpClient();
        services.AddSingleton<TokenValidator>();
        services.AddSingleton<AccessRules>();
        services.AddSingleton<AccessPolicy>();
        services.AddSingleton<Challenge>();
        services.AddSingleton<AuditLog>();
        services.AddAuthentication(RegistryAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, RegistryAuthenticationHandler>(RegistryAuthenticationHandler.SchemeName, null);
        services.AddAuthorization(o => o.AddPolicy(AdminPolicy, p => p
            .RequireAuthenticatedUser()
            .RequireAssertion(c => c.Resource is HttpContext http
                && http.RequestServices.GetRequiredService<AccessPolicy>().IsAdmin(c.User))));
        return builder;
    }

    /// <summary>Authentication, then /v2 authorisation, then endpoint authorisation (the operations group), and /token.</summary>
    public static WebApplication UseRegistrySecurity(this WebApplication app)
    {
        var options = Options(app.Configuration);
        if (!options.Enabled) return app;
        // Fail at start, not at the first request, on a bad key or rule.
        if (options.Token.Enabled) app.Services.GetRequiredService<SigningKey>();
        app.Services.GetRequiredService<AccessRules>();
        app.UseAuthentication();
        app.UseMiddleware<RegistryAuthorizationMiddleware>();
        app.UseAuthorization();
        if (options.Token.Enabled) app.MapTokenEndpoint();
        return app;
    }

    /// <summary>The operations group (metrics, dashboard) for admins only when authentication is on.</summary>
    public static RouteGroupBuilder RequireAdminWhenSecured(this RouteGroupBuilder group, IConfiguration configuration) =>
        Options(configuration).Enabled ? group.RequireAuthorization(AdminPolicy) : group;
}
