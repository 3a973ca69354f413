using System.Buffers.Text;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using OrleansRegistry.Core.Access;

namespace OrleansRegistry.Server.Security.Tokens;

/// <summary>
/// Signs our tokens (Docker token specification, "Token Response Fields"; JWT RFC 7519; ES256 RFC 7518 section 3.4):
/// claims <c>iss, sub, aud, exp, nbf, iat, jti, access</c>, <c>aud</c> a string (distribution 2.8.2's claim set cannot
/// read an array). The header carries <c>kid</c> (libtrust's key id, what distribution's <c>rootcertbundle</c> keys
/// are named by) and <c>x5c</c> (the certificate, whose chain distribution verifies against the same bundle).
/// Refresh tokens are tokens too, with their own audience, so one can never be used as an access token.
/// </summary>
public sealed class TokenMinter(SigningKey key, IOptions<AuthOptions> options, TimeProvider clock)
{
    private readonly string _header = Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(new
    {
        typ = "JWT",
        alg = "ES256",
        kid = key.KeyId,
        x5c = new[] { Convert.ToBase64String(key.Certificate.RawData) },
    }));

    private TokenOptions Options => options.Value.Token;

    /// <summary>The audience of refresh tokens: never the service, so they are refused as bearer tokens.</summary>
    public string RefreshAudience => Options.Service + "#refresh";

    public IssuedToken Access(string? subject, IReadOnlyList<ResourceScope> access)
    {
        var now = clock.GetUtcNow();
        var token = Sign(subject, Options.Service, now, Options.Lifetime, access);
        return new IssuedToken(token, (int)Options.Lifetime.TotalSeconds, now.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
    }

    public string Refresh(string subject) => Sign(subject, RefreshAudience, clock.GetUtcNow(), Options.RefreshLifetime, null);

    private string Sign(string? subject, string audience, DateTimeOffset now, TimeSpan lifetime, IReadOnlyList<ResourceScope>? access)
    {
        var claims = new Dictionary<string, object>
        {
            ["iss"] = Options.Issuer,
            ["sub"] = subject ?? "",
            ["aud"] = audience,
            ["exp"] = now.Add(lifetime).ToUnixTimeSeconds(),
            ["nbf"] = now.ToUnixTimeSeconds(),
            ["iat"] = now.ToUnixTimeSeconds(),
            ["jti"] = Guid.NewGuid().ToString("N"),
        };
        if (access is not null) claims[TokenAccessClaim.Name] = TokenAccessClaim.ToJson(access);
        var signed = _header + "." + Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(claims));
        // .NET signs ECDSA as IEEE P1363 (r||s), which is JWS's ES256 form.
        var signature = key.Key.SignData(Encoding.ASCII.GetBytes(signed), System.Security.Cryptography.HashAlgorithmName.SHA256);
        return signed + "." + Base64Url.EncodeToString(signature);
    }
}

public sealed record IssuedToken(string Token, int ExpiresIn, string IssuedAt);
