using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace OrleansRegistry.TestSupport.Security;

/// <summary>
/// Builds JWTs of any shape (the hostile cases: expired, not yet valid, wrongly signed, <c>alg: none</c>,
/// another audience or issuer), signed with a given EC key or not at all.
/// </summary>
public static class TokenForge
{
    public static string Create(IDictionary<string, object> header, IDictionary<string, object> claims, ECDsa? key)
    {
        var signed = Encode(JsonSerializer.SerializeToUtf8Bytes(header)) + "." + Encode(JsonSerializer.SerializeToUtf8Bytes(claims));
        var signature = key is null ? [] : key.SignData(Encoding.ASCII.GetBytes(signed), HashAlgorithmName.SHA256);
        return signed + "." + Encode(signature);
    }

    /// <summary>The claims a token of <paramref name="issuer"/> for <paramref name="audience"/> carries, valid now unless shifted.</summary>
    public static Dictionary<string, object> Claims(string issuer, string audience, string subject, TimeSpan? shift = null,
        params (string Name, string[] Actions)[] repositories)
    {
        var now = DateTimeOffset.UtcNow + (shift ?? TimeSpan.Zero);
        return new Dictionary<string, object>
        {
            ["iss"] = issuer,
            ["sub"] = subject,
            ["aud"] = audience,
            ["exp"] = now.AddMinutes(5).ToUnixTimeSeconds(),
            ["nbf"] = now.ToUnixTimeSeconds(),
            ["iat"] = now.ToUnixTimeSeconds(),
            ["jti"] = Guid.NewGuid().ToString("N"),
            ["access"] = repositories.Select(r => new { type = "repository", name = r.Name, actions = r.Actions }).ToArray(),
        };
    }

    /// <summary>The JSON of a token's header (part 0) or payload (part 1).</summary>
    public static JsonElement Part(string token, int part)
    {
        return JsonDocument.Parse(Base64Url.DecodeFromChars(token.Split('.')[part])).RootElement.Clone();
    }

    private static string Encode(byte[] bytes) => Base64Url.EncodeToString(bytes);
}
