using System.Security.Claims;
using Microsoft.Extensions.Options;
using OrleansRegistry.Core.Access;
using OrleansRegistry.Server.Security.Authentication;

namespace OrleansRegistry.Server.Security.Authorization;

/// <summary>
/// Decides requests: the rules' grant for the caller, narrowed by the bearer token's <c>access</c> claim when the
/// caller came with a token. Also what the token endpoint puts in a token (the rules' grant ∩ the scopes asked for).
/// </summary>
public sealed class AccessPolicy(AccessRules rules, IOptions<AuthOptions> options, IServiceProvider services)
{
    private readonly HtpasswdFile? _users = services.GetService<HtpasswdFile>();

    public static bool IsAuthenticated(ClaimsPrincipal user) => user.Identity is { IsAuthenticated: true };

    /// <summary>The actions of <paramref name="scope"/> the rules alone grant (what a token for it would list).</summary>
    public IReadOnlyList<string> GrantedByRules(ClaimsPrincipal user, ResourceScope scope)
    {
        if (scope.Type == AccessActions.RegistryType && scope.Name == AccessActions.CatalogName)
            return IsAuthenticated(user) && scope.Actions.Count > 0 ? [AccessActions.All] : [];
        if (scope.Type != AccessActions.RepositoryType || scope.Class is not null) return [];
        var granted = rules.Granted(user, scope.Name);
        return scope.Actions.Contains(AccessActions.All) ? granted : scope.Actions.Where(granted.Contains).Distinct().ToArray();
    }

    /// <summary>The outcome for a request that needs <paramref name="required"/> (null: any authenticated caller).</summary>
    public AccessDecision Decide(ClaimsPrincipal user, ResourceScope? required)
    {
        var identity = user.Identity as RegistryIdentity;
        if (required is null)
            return IsAuthenticated(user) ? AccessDecision.Allowed : AccessDecision.Unauthenticated;
        var byRules = required is { Type: AccessActions.RepositoryType, Class: null }
            ? GrantsAll(rules.Granted(user, required.Name), required.Actions) // no allocation on the hot path
            : GrantsAll(GrantedByRules(user, required), required.Actions);
        var byToken = identity?.TokenAccess is not { } access || TokenAllows(access, required);
        if (byRules && byToken) return AccessDecision.Allowed;
        if (!IsAuthenticated(user)) return AccessDecision.Unauthenticated;
        // Our token merely lacks a scope the rules would grant: 401 insufficient_scope, so the client gets a better token.
        return byRules && identity is { IsOurToken: true } ? AccessDecision.InsufficientScope : AccessDecision.Denied;
    }

    /// <summary>May the caller pull <paramref name="repository"/> (catalog filtering, a mount's source)?</summary>
    public bool CanPull(ClaimsPrincipal user, string repository) =>
        Decide(user, ResourceScope.Repository(repository, AccessActions.Pull)) == AccessDecision.Allowed;

    /// <summary>Admins read /metrics and /dashboard: the admin group, or every htpasswd user when no Rules and no Groups are configured.</summary>
    public bool IsAdmin(ClaimsPrincipal user)
    {
        if (Caller.Subject(user) is not { } name) return false;
        if (rules.IsInGroup(name, options.Value.AdminGroup)) return true;
        return !rules.HasRulesOrGroups && _users is not null && _users.Contains(name);
    }

    // Loops rather than LINQ: this runs on every request with authentication on.
    private static bool GrantsAll(IReadOnlyList<string> granted, IReadOnlyList<string> required)
    {
        if (granted.Contains(AccessActions.All)) return true;
        foreach (var action in required)
            if (!granted.Contains(action)) return false;
        return true;
    }

    private static bool TokenAllows(IReadOnlyList<ResourceScope> access, ResourceScope required)
    {
        foreach (var action in required.Actions)
        {
            var found = false;
            foreach (var a in access)
                if (a.Type == required.Type && a.Name == required.Name && a.Class == required.Class && a.Allows(action)) { found = true; break; }
            if (!found) return false;
        }
        return true;
    }
}

public enum AccessDecision
{
    Allowed,
    /// <summary>No valid credentials: 401 UNAUTHORIZED with a challenge.</summary>
    Unauthenticated,
    /// <summary>Our token lacks a scope the rules grant: 401 with <c>error="insufficient_scope"</c>.</summary>
    InsufficientScope,
    /// <summary>Valid credentials that do not allow the action: 403 DENIED.</summary>
    Denied,
}
