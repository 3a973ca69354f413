using System.Diagnostics.CodeAnalysis;

namespace OrleansRegistry.Core.Access;

/// <summary>
/// One scope of the Docker token specification ("Token Scope Documentation", "Resource Scope Grammar"):
/// <c>resourcetype[(resourceclass)]:resourcename:action[,action]*</c>, e.g. <c>repository:library/nginx:pull,push</c>,
/// <c>repository(plugin):x:pull</c>, <c>registry:catalog:*</c>. The name may itself hold a colon (a <c>host:port/</c>
/// prefix): the type ends at the first colon, the actions start after the last one.
/// </summary>
public sealed record ResourceScope(string Type, string Name, IReadOnlyList<string> Actions, string? Class = null)
{
    /// <summary>The scope <c>registry:catalog:*</c> the catalog needs.</summary>
    public static ResourceScope Catalog { get; } = new(AccessActions.RegistryType, AccessActions.CatalogName, [AccessActions.All]);

    public static ResourceScope Repository(string name, params string[] actions) => new(AccessActions.RepositoryType, name, actions);

    public static ResourceScope Parse(string text) =>
        TryParse(text, out var scope) ? scope : throw new FormatException($"'{text}' is not a scope (type:name:actions)");

    /// <summary>Parses one scope; false for anything outside the grammar (empty type or name, bad characters, no actions part).</summary>
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
        if (!IsTypeValue(typePart) || name.Any(c => char.IsWhiteSpace(c) || char.IsControl(c))) return false;
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
