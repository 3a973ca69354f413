using System.Security.Claims;
using Microsoft.Extensions.Options;
using OrleansRegistry.Core;
using OrleansRegistry.Core.Access;

namespace OrleansRegistry.Server.Security.Authorization;

/// <summary>
/// What the configuration grants a caller on a repository. <b>First match wins</b>: the first rule whose pattern matches
/// the repository and whose subjects include the caller decides; later rules are not consulted. No rules: every
/// authenticated user may do everything, anonymous nothing. Rules but none matching: nothing.
/// </summary>
public sealed class AccessRules
{
    private static readonly string[] None = [];
    private readonly IReadOnlyList<Rule> _rules;
    private readonly IReadOnlyDictionary<string, HashSet<string>> _groupsOfUser;

    private sealed record Rule(RepositoryPattern Pattern, HashSet<string> Users, HashSet<string> Groups, bool Anonymous, string[] Actions);

    public AccessRules(IOptions<AuthOptions> options, ILogger<AccessRules> logger)
    {
        var auth = options.Value;
        // A misspelt action ("read", "write") would silently grant nothing: say so at start.
        foreach (var (rule, index) in auth.Rules.Select((r, i) => (r, i)))
            foreach (var action in rule.Actions.Where(a => a != AccessActions.All && !AccessActions.Repository.Contains(a.Trim().ToLowerInvariant())))
                logger.LogWarning("Registry:Auth:Rules:{Index} ({Repository}): unknown action {Action} is ignored (pull, push, delete, *)",
                    index, rule.Repository, action);
        _rules = auth.Rules.Select(r => new Rule(new RepositoryPattern(r.Repository), r.Users.ToHashSet(StringComparer.Ordinal),
            r.Groups.ToHashSet(StringComparer.Ordinal), r.Anonymous, Expand(r.Actions))).ToArray();
        var groups = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var (group, members) in auth.Groups)
            foreach (var member in members)
            {
                if (!groups.TryGetValue(member, out var set)) groups[member] = set = new HashSet<string>(StringComparer.Ordinal);
                set.Add(group);
            }
        _groupsOfUser = groups;
        HasRulesOrGroups = _rules.Count > 0 || auth.Groups.Count > 0;
    }

    /// <summary>False in the one-setting set-up (no Rules, no Groups): every htpasswd user is then an admin.</summary>
    public bool HasRulesOrGroups { get; }

    public bool IsInGroup(string user, string group) => _groupsOfUser.TryGetValue(user, out var set) && set.Contains(group);

    /// <summary>The repository actions (<c>pull</c>, <c>push</c>, <c>delete</c>) the rules grant <paramref name="user"/> on <paramref name="repository"/>.</summary>
    public IReadOnlyList<string> Granted(ClaimsPrincipal user, string repository)
    {
        var name = Caller.Subject(user);
        if (_rules.Count == 0) return name is null ? None : AccessActions.Repository;
        foreach (var rule in _rules)
        {
            if (!rule.Pattern.Matches(repository) || !Includes(rule, name)) continue;
            return rule.Actions;
        }
        return None;
    }

    private bool Includes(Rule rule, string? user)
    {
        if (user is null) return rule.Anonymous;
        if (rule.Users.Contains(user) || rule.Users.Contains("*")) return true;
        return _groupsOfUser.TryGetValue(user, out var groups) && groups.Overlaps(rule.Groups);
    }

    private static string[] Expand(IEnumerable<string> actions) =>
        actions.SelectMany(a => a == AccessActions.All ? AccessActions.Repository : [a.Trim().ToLowerInvariant()])
            .Where(a => AccessActions.Repository.Contains(a)).Distinct().ToArray();
}
