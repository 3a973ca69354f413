using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using OrleansRegistry.Core;
using OrleansRegistry.Server.Errors;
using OrleansRegistry.Server.Security.Authorization;
using OrleansRegistry.Server.Security.Tokens;

namespace OrleansRegistry.Server.Security.Authentication;

/// <summary>
/// The <c>Registry</c> scheme: <c>Authorization: Basic</c> checked against the htpasswd file (bcrypt once per
/// user/password/file version), <c>Authorization: Bearer</c> against our key or a trusted issuer (each token checked
/// once, then a lookup). No header: anonymous (no result). Its challenge and forbid answers are the operations
/// surface's (/metrics, /dashboard): Basic, so a browser prompts; /v2 answers its own (RegistryAuthorizationMiddleware).
/// </summary>
public sealed class RegistryAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IServiceProvider services,
    TokenValidator tokens)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Registry";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = AuthorizationHeader.Parse(Request.Headers.Authorization.ToString());
        switch (header.Kind)
        {
            case AuthorizationKind.None:
                return AuthenticateResult.NoResult();
            case AuthorizationKind.Bearer:
                var principal = tokens.Cached(header.Token.Span) ?? await tokens.ValidateAsync(header.Token.ToString(), Context.RequestAborted);
                return principal is null
                    ? AuthenticateResult.Fail("invalid bearer token")
                    : AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
            case AuthorizationKind.Basic:
                return services.GetService<VerifiedCredentials>()?.Verify(header.User!, header.Password!) == true
                    ? AuthenticateResult.Success(new AuthenticationTicket(RegistryIdentity.Basic(header.User!), SchemeName))
                    : AuthenticateResult.Fail("invalid basic credentials");
            case AuthorizationKind.Unsupported:
                return AuthenticateResult.Fail("unsupported authorization scheme");
            default:
                return AuthenticateResult.Fail("malformed authorization header");
        }
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = Challenge.Basic;
        return RegistryErrorResult.From(ErrorCatalog.Unauthorized, "authentication required").ExecuteAsync(Context);
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        RegistryErrorResult.From(ErrorCatalog.Denied, "requires the admin group").ExecuteAsync(Context);
}
