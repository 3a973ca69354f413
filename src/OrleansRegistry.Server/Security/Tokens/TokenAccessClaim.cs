using System.Buffers.Text;
using System.Text.Json;
using OrleansRegistry.Core.Access;

namespace OrleansRegistry.Server.Security.Tokens;

/// <summary>
/// The <c>access</c> claim of the Docker token specification ("Token Response Fields" / JWT claim set): a list of
/// <c>{type, name, actions}</c>, what the token lets its bearer do.
/// </summary>
public static class TokenAccessClaim
{
    public const string Name = "access";

    public static object[] ToJson(IEnumerable<ResourceScope> access) =>
        access.Select(a => (object)new { type = a.Type, name = a.Name, actions = a.Actions }).ToArray();

    /// <summary>
    /// Reads the claim from a JWT payload (base64url JSON, already read once by the JWT library, which refuses anything
    /// else: FormatException or JsonException otherwise). Entries that are not well-formed are dropped, including those
    /// whose type, name or actions are outside the scope grammar (traversal, unknown characters): a token can only narrow.
    /// </summary>
    public static IReadOnlyList<ResourceScope> FromPayload(string encodedPayload)
    {
        using var document = JsonDocument.Parse(Base64Url.DecodeFromChars(encodedPayload));
        if (document.RootElement.ValueKind != JsonValueKind.Object
            || !document.RootElement.TryGetProperty(Name, out var access) || access.ValueKind != JsonValueKind.Array) return [];
        var scopes = new List<ResourceScope>();
        foreach (var entry in access.EnumerateArray())
        {
            if (entry.ValueKind != JsonValueKind.Object) continue;
            if (!entry.TryGetProperty("type", out var type) || Text(type) is not { } typeText) continue;
            if (!entry.TryGetProperty("name", out var name) || Text(name) is not { } nameText) continue;
            var actions = entry.TryGetProperty("actions", out var list) && list.ValueKind == JsonValueKind.Array
                ? list.EnumerateArray().Select(Text).OfType<string>().ToArray()
                : [];
            // distribution's ResourceActions carry a resource class apart ("class"): kept, so a plugin grant stays one.
            string? resourceClass = null;
            if (entry.TryGetProperty("class", out var @class))
            {
                resourceClass = Text(@class);
                if (resourceClass is null) continue;
            }
            var scope = new ResourceScope(typeText, nameText, actions, resourceClass);
            if (scope.IsWellFormed) scopes.Add(scope);
        }
        return scopes;
    }

    /// <summary>
    /// A JSON string's text; null for another kind, or for octets that are not UTF-8 (JsonDocument checks those only
    /// when the string is read, throwing: the fuzz harness found it).
    /// </summary>
    private static string? Text(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.String) return null;
        try { return element.GetString(); }
        catch (InvalidOperationException) { return null; }
    }
}
