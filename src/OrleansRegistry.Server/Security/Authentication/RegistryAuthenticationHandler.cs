using System.Text;
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
        var header = Request.Headers.Authorization.ToString();
        if (header.Length == 0) return AuthenticateResult.NoResult();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            var presented = header.AsSpan("Bearer ".Length).Trim();
            var principal = tokens.Cached(presented) ?? await tokens.ValidateAsync(presented.ToString(), Context.RequestAborted);
            return principal is null
                ? AuthenticateResult.Fail("invalid bearer token")
                : AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
        }
        if (header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            var credentials = services.GetService<VerifiedCredentials>();
            if (credentials is null || BasicCredentials.Parse(header) is not var (user, password))
                return AuthenticateResult.Fail("invalid basic credentials");
            return credentials.Verify(user, password)
                ? AuthenticateResult.Success(new AuthenticationTicket(RegistryIdentity.Basic(user), SchemeName))
                : AuthenticateResult.Fail("invalid basic credentials");
        }
        return AuthenticateResult.Fail("unsupported authorization scheme");
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = Challenge.Basic;
        return RegistryErrorResult.From(ErrorCatalog.Unauthorized, "authentication required").ExecuteAsync(Context);
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        RegistryErrorResult.From(ErrorCatalog.Denied, "requires the admin group").ExecuteAsync(Context);
}

/// <summary>RFC 7617: <c>Basic base64(user:password)</c>; the password may hold colons, the user cannot.</summary>
public static class BasicCredentials
{
    public static (string User, string Password)? Parse(string header)
    {
        if (!header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase)) return null;
        byte[] bytes;
        try { bytes = Convert.FromBase64String(header["Basic ".Length..].Trim()); }
        catch (FormatException) { return null; }
        var pair = Encoding.UTF8.GetString(bytes);
        var colon = pair.IndexOf(':');
        return colon <= 0 ? null : (pair[..colon], pair[(colon + 1)..]);
    }
}
