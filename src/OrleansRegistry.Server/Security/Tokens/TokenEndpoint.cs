using System.Security.Claims;
using Microsoft.Extensions.Options;
using OrleansRegistry.Core.Access;
using OrleansRegistry.Server.Security.Audit;
using OrleansRegistry.Server.Security.Authentication;
using OrleansRegistry.Server.Security.Authorization;

namespace OrleansRegistry.Server.Security.Tokens;

/// <summary>
/// <c>/token</c>, the built-in authorization server of the Docker token specification:
/// <c>GET</c> ("Requesting a Token": <c>service</c>, <c>scope</c> repeated, <c>offline_token</c>, <c>account</c>,
/// <c>client_id</c>; Basic credentials or none, which yields a token with only anonymous grants) and <c>POST</c>
/// ("OAuth2 Token Authentication": <c>grant_type=password</c> or <c>refresh_token</c>). The token lists only the
/// granted actions of the scopes asked for; refresh tokens re-check the user against the current htpasswd file.
/// </summary>
public static class TokenEndpoint
{
    public const string Path = "/token";

    public static void MapTokenEndpoint(this IEndpointRouteBuilder app)
    {
        app.MapGet(Path, Get);
        app.MapPost(Path, Post);
    }

    private static IResult Get(HttpContext context, TokenMinter minter, AccessPolicy policy, IOptions<AuthOptions> options,
        AuditLog audit, IServiceProvider services)
    {
        var query = context.Request.Query;
        if (ServiceMismatch(query["service"], options.Value) is { } wrongService) return wrongService;
        var user = Anonymous;
        if (context.Request.Headers.Authorization.ToString() is { Length: > 0 } header)
        {
            if (BasicCredentials.Parse(header) is not var (name, password)
                || services.GetService<VerifiedCredentials>()?.Verify(name, password) != true)
                return Refuse(context, audit, StatusCodes.Status401Unauthorized, "invalid_client", "invalid credentials", challenge: true);
            user = RegistryIdentity.Basic(name);
        }
        if (query["account"].ToString() is { Length: > 0 } account && account != context.User.Identity?.Name && account != user.Identity?.Name)
            return Refuse(context, audit, StatusCodes.Status400BadRequest, "invalid_request", "account does not match the credentials");
        context.User = user;

        var granted = Grant(policy, user, ResourceScope.ParseList(query["scope"]));
        var token = minter.Access(user.Identity?.Name, granted);
        audit.Decision(context, "token", string.Join(' ', granted), AuditOutcomes.Issued, isWrite: false);
        var body = new Dictionary<string, object>
        {
            ["token"] = token.Token,
            ["access_token"] = token.Token,
            ["expires_in"] = token.ExpiresIn,
            ["issued_at"] = token.IssuedAt,
        };
        if (string.Equals(query["offline_token"], "true", StringComparison.OrdinalIgnoreCase) && user.Identity?.Name is { } subject)
            body["refresh_token"] = minter.Refresh(subject);
        return TypedResults.Json(body);
    }

    private static async Task<IResult> Post(HttpContext context, TokenMinter minter, TokenValidator validator, AccessPolicy policy,
        IOptions<AuthOptions> options, AuditLog audit, IServiceProvider services)
    {
        if (!context.Request.HasFormContentType)
            return Refuse(context, audit, StatusCodes.Status400BadRequest, "invalid_request", "expected application/x-www-form-urlencoded");
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        if (ServiceMismatch(form["service"], options.Value) is { } wrongService) return wrongService;
        string subject;
        string? refresh = null;
        switch (form["grant_type"].ToString())
        {
            case "password":
                var (user, password) = (form["username"].ToString(), form["password"].ToString());
                if (user.Length == 0 || services.GetService<VerifiedCredentials>()?.Verify(user, password) != true)
                    return Refuse(context, audit, StatusCodes.Status401Unauthorized, "invalid_grant", "invalid username or password");
                subject = user;
                if (form["access_type"] == "offline") refresh = minter.Refresh(subject);
                break;
            case "refresh_token":
                var presented = form["refresh_token"].ToString();
                var refreshed = presented.Length == 0 ? null : await validator.ValidateRefreshAsync(presented, minter.RefreshAudience);
                // A user removed from the htpasswd file since cannot refresh.
                if (refreshed is null || services.GetService<HtpasswdFile>() is { } users && !users.Contains(refreshed))
                    return Refuse(context, audit, StatusCodes.Status401Unauthorized, "invalid_grant", "invalid refresh token");
                subject = refreshed;
                refresh = presented;
                break;
            default:
                return Refuse(context, audit, StatusCodes.Status400BadRequest, "unsupported_grant_type", "grant_type must be password or refresh_token");
        }
        var caller = RegistryIdentity.Basic(subject);
        context.User = caller;
        var granted = Grant(policy, caller, ResourceScope.ParseList(form["scope"]));
        var token = minter.Access(subject, granted);
        audit.Decision(context, "token", string.Join(' ', granted), AuditOutcomes.Issued, isWrite: false);
        var body = new Dictionary<string, object>
        {
            ["access_token"] = token.Token,
            ["token"] = token.Token,
            ["scope"] = string.Join(' ', granted),
            ["expires_in"] = token.ExpiresIn,
            ["issued_at"] = token.IssuedAt,
        };
        if (refresh is not null) body["refresh_token"] = refresh;
        return TypedResults.Json(body);
    }

    private static readonly ClaimsPrincipal Anonymous = new(new ClaimsIdentity());

    /// <summary>Each scope asked for, with only the actions granted; scopes with none granted are left out.</summary>
    private static IReadOnlyList<ResourceScope> Grant(AccessPolicy policy, ClaimsPrincipal user, IReadOnlyList<ResourceScope> asked) =>
        asked.Select(scope => scope with { Actions = policy.GrantedByRules(user, scope) })
            .Where(scope => scope.Actions.Count > 0)
            .GroupBy(scope => scope.Resource)
            .Select(group => group.First() with { Actions = group.SelectMany(s => s.Actions).Distinct().Order(StringComparer.Ordinal).ToArray() })
            .ToArray();

    private static IResult? ServiceMismatch(string? service, AuthOptions options) =>
        string.IsNullOrEmpty(service) || service == options.Token.Service
            ? null
            : TypedResults.Json(new { error = "invalid_request", error_description = $"this server issues tokens for service '{options.Token.Service}'" },
                statusCode: StatusCodes.Status400BadRequest);

    private static IResult Refuse(HttpContext context, AuditLog audit, int status, string error, string description, bool challenge = false)
    {
        audit.Decision(context, "token", null, AuditOutcomes.Refused, isWrite: false);
        if (challenge || status == StatusCodes.Status401Unauthorized) context.Response.Headers.WWWAuthenticate = Challenge.Basic;
        return TypedResults.Json(new { error, error_description = description }, statusCode: status);
    }
}
