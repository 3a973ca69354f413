using Microsoft.Extensions.Options;
using OrleansRegistry.Core.Access;

namespace OrleansRegistry.Server.Security.Authorization;

/// <summary>
/// The <c>WWW-Authenticate</c> of a 401 (Docker token specification, "How to authenticate"; RFC 6750 section 3):
/// <c>Bearer realm="…",service="…",scope="…"</c> (plus <c>error="insufficient_scope"</c>), or <c>Basic realm="…"</c>
/// when the token endpoint is off and no external issuer is trusted. The realm defaults to the address the client
/// used: <c>X-Forwarded-Proto</c> (a TLS-terminating proxy) or the request's scheme, and the <c>Host</c> header.
/// </summary>
public sealed class Challenge(IOptions<AuthOptions> options)
{
    public const string BasicRealm = "orleans-registry";

    private TokenOptions Token => options.Value.Token;

    public bool IsBearer => Token.Enabled || Token.TrustedIssuers.Count > 0 && Token.Realm is not null;

    public string For(HttpRequest request, ResourceScope? scope, bool insufficientScope = false)
    {
        if (!IsBearer) return Basic;
        var value = $"Bearer realm=\"{Realm(request)}\",service=\"{Token.Service}\"";
        if (scope is not null) value += $",scope=\"{scope}\"";
        if (insufficientScope) value += ",error=\"insufficient_scope\"";
        return value;
    }

    public static string Basic => $"Basic realm=\"{BasicRealm}\"";

    public string Realm(HttpRequest request)
    {
        if (Token.Realm is { Length: > 0 } configured) return configured;
        var scheme = request.Headers["X-Forwarded-Proto"].ToString() is { Length: > 0 } forwarded
            ? forwarded.Split(',')[0].Trim()
            : request.Scheme;
        return $"{scheme}://{request.Host}/token";
    }
}
