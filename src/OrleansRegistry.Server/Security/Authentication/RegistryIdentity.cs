using System.Security.Claims;
using OrleansRegistry.Core.Access;

namespace OrleansRegistry.Server.Security.Authentication;

/// <summary>
/// The caller as authentication left it (docs/security.md#identity): authenticated with
/// <c>Name</c> the subject (htpasswd user or a token's <c>sub</c>), or anonymous (Name null). A caller that came with a
/// bearer token also carries the token's <c>access</c> claim: the token can only narrow what the rules grant.
/// </summary>
public sealed class RegistryIdentity : ClaimsIdentity
{
    private RegistryIdentity(string? subject, string? authenticationType, IReadOnlyList<ResourceScope>? tokenAccess, bool ourToken)
        : base(subject is null ? [] : [new Claim(ClaimTypes.Name, subject)], authenticationType)
    {
        TokenAccess = tokenAccess;
        IsOurToken = ourToken;
    }

    /// <summary>The token's granted scopes; null for a caller without a token (Basic credentials).</summary>
    public IReadOnlyList<ResourceScope>? TokenAccess { get; }

    /// <summary>The token came from our own endpoint: a missing scope is then answered 401 insufficient_scope, so the client asks again.</summary>
    public bool IsOurToken { get; }

    public static ClaimsPrincipal Basic(string user) => new(new RegistryIdentity(user, "Basic", null, false));

    /// <summary>A token's caller; an empty <c>sub</c> (an anonymous token) stays unauthenticated but keeps its access.</summary>
    public static ClaimsPrincipal Bearer(string? subject, IReadOnlyList<ResourceScope> access, bool ourToken) =>
        string.IsNullOrEmpty(subject)
            ? new(new RegistryIdentity(null, null, access, ourToken))
            : new(new RegistryIdentity(subject, "Bearer", access, ourToken));
}
