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

    /// <summary>Reads the claim from a JWT payload (base64url JSON); entries that are not well-formed are dropped.</summary>
    public static IReadOnlyList<ResourceScope> FromPayload(string encodedPayload)
    {
        using var document = JsonDocument.Parse(Base64Url.DecodeFromChars(encodedPayload));
        if (!document.RootElement.TryGetProperty(Name, out var access) || access.ValueKind != JsonValueKind.Array) return [];
        var scopes = new List<ResourceScope>();
        foreach (var entry in access.EnumerateArray())
        {
            if (entry.ValueKind != JsonValueKind.Object) continue;
            if (!entry.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String) continue;
            if (!entry.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String) continue;
            var actions = entry.TryGetProperty("actions", out var list) && list.ValueKind == JsonValueKind.Array
                ? list.EnumerateArray().Where(a => a.ValueKind == JsonValueKind.String).Select(a => a.GetString()!).ToArray()
                : [];
            scopes.Add(new ResourceScope(type.GetString()!, name.GetString()!, actions));
        }
        return scopes;
    }
}
