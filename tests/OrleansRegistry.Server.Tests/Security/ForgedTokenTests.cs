using System.Net;
using System.Security.Cryptography;
using OrleansRegistry.TestSupport.Security;

namespace OrleansRegistry.Server.Tests.Security;

/// <summary>
/// Tokens that must not pass (RFC 7519 section 4.1 exp/nbf/iss/aud, RFC 7515 signatures, RFC 8725 section
/// 3.1 "alg: none" and algorithm confusion): each is refused with 401 as if no credentials had come.
/// </summary>
[Collection(RulesRegistryCollection.Name)]
public sealed class ForgedTokenTests(RulesRegistryFixture fixture)
{
    private const string Repo = "team-a/forged";

    public static TheoryData<string> Cases => ["expired", "not-yet-valid", "wrong-key", "alg-none", "alg-hs256", "other-audience",
        "other-issuer", "tampered-payload", "no-signature", "no-exp"];

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_forged_or_misaddressed_token_is_401(string kind)
    {
        var token = await ForgeAsync(kind);
        using var client = fixture.BearerClient(token);
        using var response = await client.GetAsync($"v2/{Repo}/tags/list");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.DoesNotContain("insufficient_scope", response.Headers.WwwAuthenticate.ToString());
    }

    [Fact] // the control: the same construction with nothing wrong passes, so the cases above fail for their one fault
    public async Task The_same_construction_done_right_is_accepted()
    {
        using var key = fixture.ServerKey();
        var token = TokenForge.Create(Header(), TokenForge.Claims("orleans-registry", "orleans-registry", "bob", null, (Repo, ["pull"])), key);
        using var client = fixture.BearerClient(token);
        using var response = await client.GetAsync($"v2/{Repo}/tags/list");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode); // authorised; the repository does not exist
    }

    private async Task<string> ForgeAsync(string kind)
    {
        using var key = fixture.ServerKey();
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var skew = TimeSpan.FromMinutes(10); // beyond the 30 s default skew
        var claims = TokenForge.Claims("orleans-registry", "orleans-registry", "bob", null, (Repo, ["pull"]));
        switch (kind)
        {
            case "expired": return TokenForge.Create(Header(), TokenForge.Claims("orleans-registry", "orleans-registry", "bob", -skew, (Repo, ["pull"])), key);
            case "not-yet-valid": return TokenForge.Create(Header(), TokenForge.Claims("orleans-registry", "orleans-registry", "bob", skew, (Repo, ["pull"])), key);
            case "wrong-key": return TokenForge.Create(Header(), claims, other);
            case "alg-none": return TokenForge.Create(new Dictionary<string, object> { ["typ"] = "JWT", ["alg"] = "none" }, claims, null);
            case "alg-hs256":
                // Algorithm confusion: an HMAC keyed with the public certificate the token header itself carries.
                var real = await fixture.TokenAsync("bob", $"repository:{Repo}:pull");
                var header = new Dictionary<string, object> { ["typ"] = "JWT", ["alg"] = "HS256" };
                var secret = System.Text.Encoding.UTF8.GetBytes(TokenForge.Part(real, 0).GetProperty("x5c")[0].GetString()!);
                var unsigned = TokenForge.Create(header, claims, null);
                var signed = unsigned[..unsigned.LastIndexOf('.')];
                var mac = HMACSHA256.HashData(secret, System.Text.Encoding.ASCII.GetBytes(signed));
                return signed + "." + System.Buffers.Text.Base64Url.EncodeToString(mac);
            case "other-audience": return TokenForge.Create(Header(), TokenForge.Claims("orleans-registry", "other-registry", "bob", null, (Repo, ["pull"])), key);
            case "other-issuer": return TokenForge.Create(Header(), TokenForge.Claims("someone-else", "orleans-registry", "bob", null, (Repo, ["pull"])), key);
            case "tampered-payload":
                var genuine = await fixture.TokenAsync("carol", $"repository:{Repo}:pull");
                var parts = genuine.Split('.');
                var forged = TokenForge.Create(Header(), TokenForge.Claims("orleans-registry", "orleans-registry", "alice", null, (Repo, ["pull"])), null).Split('.');
                return $"{parts[0]}.{forged[1]}.{parts[2]}";
            case "no-signature":
                var whole = await fixture.TokenAsync("bob", $"repository:{Repo}:pull");
                return whole[..(whole.LastIndexOf('.') + 1)];
            case "no-exp":
                claims.Remove("exp");
                return TokenForge.Create(Header(), claims, key);
            default: throw new ArgumentOutOfRangeException(nameof(kind));
        }
    }

    private static Dictionary<string, object> Header() => new() { ["typ"] = "JWT", ["alg"] = "ES256" };
}
