using System.Buffers.Text;
using System.Text;
using System.Text.Json;
using CsCheck;
using OrleansRegistry.Core.Access;
using OrleansRegistry.Server.Security.Tokens;

namespace OrleansRegistry.Server.Tests.Properties;

/// <summary>
/// The <c>access</c> claim reader (Docker token spec, "JWT claim set"): what our minter writes reads back unchanged, and an
/// entry of a wrong shape or outside the scope grammar is dropped without disturbing its neighbours.
/// </summary>
public sealed class TokenAccessClaimProperties
{
    private static readonly Gen<ResourceScope> Granted =
        Gen.Select(Gen.OneOf(Gen.Const("team-a/app"), Gen.Const("localhost:5000/a/b"), Gen.Const("x__y.z-1")),
            Gen.OneOf(Gen.Const("pull"), Gen.Const("push"), Gen.Const("delete"), Gen.Const("*")).Array[0, 3],
            (name, actions) => ResourceScope.Repository(name, actions));

    /// <summary>Entries a hostile or careless issuer might write: wrong JSON types, unknown types, traversal in names.</summary>
    private static readonly Gen<object> Hostile = Gen.OneOf<object>(
        Gen.Const<object>(42), Gen.Const<object>("repository:a:pull"), Gen.Const<object>(new object[] { "pull" }),
        Gen.Const<object>(new { type = 1, name = "a", actions = new[] { "pull" } }),
        Gen.Const<object>(new { type = "repository", name = new[] { "a" }, actions = new[] { "pull" } }),
        Gen.Const<object>(new { type = "repository", name = "a", @class = 7, actions = new[] { "pull" } }),
        Gen.Const<object>(new { type = "Repository", name = "a", actions = new[] { "pull" } }),
        Gen.Const<object>(new { type = "repository(plugin)", name = "a", actions = new[] { "pull" } }),
        Gen.Const<object>(new { type = "repository", name = "../../etc", actions = new[] { "pull" } }),
        Gen.Const<object>(new { type = "repository", name = "a/%2e%2e/b", actions = new[] { "pull" } }),
        Gen.Const<object>(new { type = "repository", name = "a\\..\\b", actions = new[] { "pull" } }),
        Gen.Const<object>(new { type = "repository", name = "a\0", actions = new[] { "pull" } }),
        Gen.Const<object>(new { type = "repository", name = "a", actions = new[] { "pull,push" } }),
        Gen.Const<object>(new { type = "repository", name = "a", actions = new[] { "" } }),
        Gen.Const<object>(new { type = "repository:x", name = "a", actions = new[] { "pull" } }));

    private static IReadOnlyList<ResourceScope> Read(object access) =>
        TokenAccessClaim.FromPayload(Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["sub"] = "bob",
            [TokenAccessClaim.Name] = access,
        })));

    [Fact]
    public void What_the_minter_writes_reads_back_unchanged() =>
        Granted.Array[0, 6].Sample(scopes => Assert.Equal(scopes, Read(TokenAccessClaim.ToJson(scopes))));

    [Fact]
    public void Malformed_entries_are_dropped_and_well_formed_ones_kept_in_order() =>
        Gen.Select(Granted.Array[0, 4], Hostile.Array[1, 4], Gen.Int[0, 100]).Sample((scopes, hostile, at) =>
        {
            var entries = TokenAccessClaim.ToJson(scopes).ToList();
            entries.InsertRange(at % (entries.Count + 1), hostile);
            Assert.Equal(scopes, Read(entries.ToArray()));
        });

    [Fact] // a claim that is no list, or a payload that is no object, grants nothing (rather than failing the request)
    public void A_claim_or_payload_of_the_wrong_shape_grants_nothing()
    {
        Assert.Empty(Read("repository:a:pull"));
        Assert.Empty(Read(new { type = "repository", name = "a", actions = new[] { "pull" } }));
        Assert.Empty(TokenAccessClaim.FromPayload(Base64Url.EncodeToString("[{\"access\":[]}]"u8)));
        Assert.Empty(TokenAccessClaim.FromPayload(Base64Url.EncodeToString("\"access\""u8)));
    }

    [Fact] // scripts/fuzz token-access-claim: JsonDocument checks a string's UTF-8 only when it is read, and threw then
    public void Strings_that_are_not_utf8_drop_their_entry_or_action()
    {
        byte[] Payload(string type, string action) => [.. "{\"access\":[{\"type\":\""u8, .. Encoding.Latin1.GetBytes(type),
            .. "\",\"name\":\"a\",\"actions\":[\"pull\",\""u8, .. Encoding.Latin1.GetBytes(action), .. "\"]}]}"u8];
        Assert.Empty(TokenAccessClaim.FromPayload(Base64Url.EncodeToString(Payload("reposi\u0090ory", "push"))));
        Assert.Equal([ResourceScope.Repository("a", "pull")], TokenAccessClaim.FromPayload(Base64Url.EncodeToString(Payload("repository", "pu\u0086sh"))));
    }
}
