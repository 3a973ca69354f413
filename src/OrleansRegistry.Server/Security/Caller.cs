using System.Security.Claims;

namespace OrleansRegistry.Server.Security;

/// <summary>
/// Who is calling (docs/security.md#identity), in one place for authorisation, audit,
/// upload ownership and limits: the authenticated subject (htpasswd user or a token's <c>sub</c>), or nobody; limits
/// key an anonymous caller by its address (the client's, once trusted forwarded headers are applied).
/// </summary>
public static class Caller
{
    /// <summary>The authenticated subject; null for an anonymous caller, and always with authentication off.</summary>
    public static string? Subject(ClaimsPrincipal user) => user.Identity is { IsAuthenticated: true, Name: { } name } ? name : null;

    /// <summary>The caller's address.</summary>
    public static string Address(HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    /// <summary>What limits count against: the subject, else <c>anonymous@ADDRESS</c>.</summary>
    public static string Key(HttpContext context) => Subject(context.User) ?? "anonymous@" + Address(context);
}
