using System.Diagnostics.CodeAnalysis;

namespace OrleansRegistry.Core.Access;

/// <summary>
/// One scope of the Docker token specification ("Token Scope Documentation", "Resource Scope Grammar"):
/// <c>resourcetype[(resourceclass)]:resourcename:action[,action]*</c>, e.g. <c>repository:library/nginx:pull,push</c>,
/// <c>repository(plugin):x:pull</c>, <c>registry:catalog:*</c>. The name may itself hold a colon (a <c>host:port/</c>
/// prefix): the type ends at the first colon, the actions start after the last one. The name follows the spec's
/// <c>resourcename := [hostname '/'] component ['/' component]*</c>, so no traversal, space or escape gets through.
/// </summary>
public sealed record ResourceScope(string Type, string Name, IReadOnlyList<string> Actions, string? Class = null)
{
    /// <summary>The scope <c>registry:catalog:*</c> the catalog needs.</summary>
    public static ResourceScope Catalog { get; } = new(AccessActions.RegistryType, AccessActions.CatalogName, [AccessActions.All]);

    public static ResourceScope Repository(string name, params string[] actions) => new(AccessActions.RepositoryType, name, actions);

    public static ResourceScope Parse(string text) =>
        TryParse(text, out var scope) ? scope : throw new FormatException($"'{text}' is not a scope (type:name:actions)");

    /// <summary>Parses one scope; false for anything outside the grammar (bad type or name, empty action, no actions part).</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, [NotNullWhen(true)] out ResourceScope? scope)
    {
        scope = null;
        if (string.IsNullOrEmpty(text)) return false;
        var first = text.IndexOf(':');
        var last = text.LastIndexOf(':');
        if (first <= 0 || last <= first + 1) return false;
        var typePart = text[..first];
        var name = text[(first + 1)..last];
        string? resourceClass = null;
        var open = typePart.IndexOf('(');
        if (open >= 0)
        {
            if (!typePart.EndsWith(')') || open == 0) return false;
            resourceClass = typePart[(open + 1)..^1];
            typePart = typePart[..open];
            if (!IsTypeValue(resourceClass)) return false;
        }
        if (!IsTypeValue(typePart) || !IsResourceName(name)) return false;
        var actionsPart = text[(last + 1)..];
        var actions = actionsPart.Length == 0 ? [] : actionsPart.Split(',');
        foreach (var action in actions)
            if (action.Length == 0 || !(action == AccessActions.All || action.All(c => c is >= 'a' and <= 'z')))
                return false;
        scope = new ResourceScope(typePart, name, actions, resourceClass);
        return true;
    }

    /// <summary>Parses a space-separated list (the OAuth2 <c>scope</c> form); entries outside the grammar are skipped.</summary>
    public static IReadOnlyList<ResourceScope> ParseList(IEnumerable<string?> values) =>
        values.SelectMany(v => (v ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Select(s => TryParse(s, out var scope) ? scope : null)
            .OfType<ResourceScope>()
            .ToList();

    // resourcetypevalue := /[a-z0-9]+/
    private static bool IsTypeValue(string value) => value.Length > 0 && value.All(c => c is >= 'a' and <= 'z' or >= '0' and <= '9');

    // resourcename := [ hostname '/' ] component [ '/' component ]*
    private static bool IsResourceName(ReadOnlySpan<char> name)
    {
        var slash = name.IndexOf('/');
        return IsComponents(name) || slash > 0 && IsHostname(name[..slash]) && IsComponents(name[(slash + 1)..]);
    }

    // component := /[a-z0-9]+/ [ separator /[a-z0-9]+/ ]*, separator := /[_.]|__|[-]*/, components joined by '/'
    private static bool IsComponents(ReadOnlySpan<char> text)
    {
        foreach (var range in text.Split('/'))
        {
            var component = text[range];
            if (component.Length == 0 || !IsLowerAlphanumeric(component[0]) || !IsLowerAlphanumeric(component[^1])) return false;
            var separatorStart = -1;
            for (var i = 0; i < component.Length; i++)
            {
                var c = component[i];
                if (IsLowerAlphanumeric(c))
                {
                    if (separatorStart >= 0 && !IsSeparator(component[separatorStart..i])) return false;
                    separatorStart = -1;
                }
                else if (c is '_' or '.' or '-') { if (separatorStart < 0) separatorStart = i; }
                else return false;
            }
        }
        return true;
    }

    private static bool IsSeparator(ReadOnlySpan<char> run) =>
        run is "_" or "." or "__" || !run.ContainsAnyExcept('-');

    // hostname := hostcomponent ['.' hostcomponent]* [':' port-number], hostcomponent := /([a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])/
    private static bool IsHostname(ReadOnlySpan<char> text)
    {
        var colon = text.IndexOf(':');
        if (colon >= 0)
        {
            var port = text[(colon + 1)..];
            if (port.Length == 0 || port.ContainsAnyExceptInRange('0', '9')) return false;
            text = text[..colon];
        }
        foreach (var range in text.Split('.'))
        {
            var label = text[range];
            if (label.Length == 0 || label[0] == '-' || label[^1] == '-') return false;
            foreach (var c in label)
                if (!char.IsAsciiLetterOrDigit(c) && c != '-') return false;
        }
        return true;
    }

    private static bool IsLowerAlphanumeric(char c) => c is >= 'a' and <= 'z' or >= '0' and <= '9';

    /// <summary>
    /// The scope is within the grammar, i.e. its text parses back to it: what a scope built from untrusted fields (a
    /// token's <c>access</c> claim) must be before it counts.
    /// </summary>
    public bool IsWellFormed => TryParse(ToString(), out var parsed) && parsed.Equals(this);

    public bool Allows(string action) => Actions.Contains(action) || Actions.Contains(AccessActions.All);

    /// <summary>The same resource with its actions sorted and distinct, so equal sets of rights compare equal.</summary>
    public ResourceScope Canonical() =>
        this with { Actions = Actions.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray() };

    /// <summary>The resource as it is written in a scope, without actions: <c>type[(class)]:name</c>.</summary>
    public string Resource => Class is null ? $"{Type}:{Name}" : $"{Type}({Class}):{Name}";

    public override string ToString() => $"{Resource}:{string.Join(',', Actions)}";

    public bool Equals(ResourceScope? other) =>
        other is not null && Type == other.Type && Name == other.Name && Class == other.Class && Actions.SequenceEqual(other.Actions);

    public override int GetHashCode() => HashCode.Combine(Type, Name, Class, Actions.Count);
}
