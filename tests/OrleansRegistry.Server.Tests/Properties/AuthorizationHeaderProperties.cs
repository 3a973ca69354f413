using System.Text;
using CsCheck;
using OrleansRegistry.Server.Security.Authentication;

namespace OrleansRegistry.Server.Tests.Properties;

/// <summary>
/// The Authorization header parser (RFC 9110 11.6.2, RFC 7617 Basic, RFC 6750 Bearer): whatever credentials a client
/// encodes come back unchanged, and whatever is not a well-formed header is Malformed or Unsupported, never an exception.
/// </summary>
public sealed class AuthorizationHeaderProperties
{
    // Any character but the controls RFC 7617 rules out (CTL: 0x00-0x1F, 0x7F), with ':' and non-ASCII favoured.
    private static readonly Gen<string> Printable = Gen.Frequency((6, Gen.Char[' ', '~']), (2, Gen.Char[":"]), (1, Gen.Char['\u00A0', '\uD7FF']))
        .Array[0, 40].Select(chars => new string(chars));

    private static readonly Gen<string> Users = Printable.Where(u => u.Length > 0 && !u.Contains(':'));

    private static readonly Gen<string> Schemes = Gen.OneOf(Gen.Const("Basic"), Gen.Const("basic"), Gen.Const("BASIC"));

    private static string Encode(string octets) => Convert.ToBase64String(Encoding.UTF8.GetBytes(octets));

    [Fact] // RFC 7617 section 2: the user ends at the first colon; the password may hold any number of them
    public void Basic_credentials_round_trip_with_colons_in_the_password_and_any_scheme_case() =>
        Gen.Select(Schemes, Users, Printable, Gen.Int[1, 3]).Sample((scheme, user, password, spaces) =>
        {
            var header = AuthorizationHeader.Parse(scheme + new string(' ', spaces) + Encode(user + ":" + password));
            Assert.Equal(AuthorizationKind.Basic, header.Kind);
            Assert.Equal(user, header.User);
            Assert.Equal(password, header.Password);
        });

    [Fact] // base64 (RFC 4648 section 4) keeps its padding: missing, extra or misplaced '=' is no credential
    public void Basic_with_odd_padding_is_malformed() =>
        Gen.Select(Users, Printable, Gen.Int[0, 2]).Sample((user, password, how) =>
        {
            var encoded = Encode(user + ":" + password);
            var odd = how switch
            {
                0 => encoded.TrimEnd('=') + (encoded.EndsWith('=') ? "" : "="),  // padding dropped, or one too many
                1 => encoded + "==",
                _ => "=" + encoded,
            };
            Assert.Equal(AuthorizationKind.Malformed, AuthorizationHeader.Parse("Basic " + odd).Kind);
        });

    [Fact] // distribution compares octets; we compare UTF-8 text, so octets that are not UTF-8 are refused, not mangled to U+FFFD
    public void Basic_over_octets_that_are_not_utf8_is_malformed() =>
        Gen.Select(Gen.Byte.Array[0, 20], Gen.Byte[0x80, 0xFF], Gen.Byte.Array[0, 20]).Sample((before, bad, after) =>
        {
            var octets = "bob:"u8.ToArray().Concat(before).Append(bad).Append((byte)0xFF).Concat(after).ToArray(); // 0xFF never occurs in UTF-8
            Assert.Equal(AuthorizationKind.Malformed, AuthorizationHeader.Parse("Basic " + Convert.ToBase64String(octets)).Kind);
        });

    [Fact] // RFC 7617 section 2: no control characters in user or password (no CR/LF or NUL reaching logs or bcrypt)
    public void Basic_with_a_control_character_is_malformed() =>
        Gen.Select(Users, Printable, Gen.Char['\0', '\u001F'], Gen.Bool).Sample((user, password, control, inUser) =>
        {
            var pair = inUser ? user + control + ":" + password : user + ":" + password + control;
            Assert.Equal(AuthorizationKind.Malformed, AuthorizationHeader.Parse("Basic " + Encode(pair)).Kind);
        });

    [Theory]
    [InlineData("", AuthorizationKind.None)]
    [InlineData("Basic", AuthorizationKind.Malformed)]
    [InlineData("Basic ", AuthorizationKind.Malformed)]
    [InlineData("Basic Og==", AuthorizationKind.Malformed)]         // ":": no user
    [InlineData("Basic Ym9i", AuthorizationKind.Malformed)]         // "bob": no colon
    [InlineData("Basic Ym9iOg==", AuthorizationKind.Basic)]         // "bob:": an empty password is still a password
    [InlineData("Basic Ym9i Og==", AuthorizationKind.Malformed)]    // base64 does not skip spaces here
    [InlineData("Bearer", AuthorizationKind.Malformed)]
    [InlineData("Bearer    ", AuthorizationKind.Malformed)]
    [InlineData("Bearer a b", AuthorizationKind.Malformed)]
    [InlineData("Bearer ====", AuthorizationKind.Malformed)]
    [InlineData("Bearerx abc", AuthorizationKind.Unsupported)]
    [InlineData("Digest username=\"bob\"", AuthorizationKind.Unsupported)]
    public void Empty_and_truncated_headers_are_told_apart(string value, AuthorizationKind kind) =>
        Assert.Equal(kind, AuthorizationHeader.Parse(value).Kind);

    [Fact] // RFC 6750 section 2.1: b64token, the whole credential; the JWT's dots and base64url alphabet pass through unchanged
    public void Bearer_tokens_round_trip_and_anything_with_a_space_inside_is_malformed() =>
        Gen.Select(Gen.Char["abcXYZ019-._~+/"].Array[1, 200], Gen.Int[0, 2], Gen.OneOf(Gen.Const("Bearer"), Gen.Const("bearer")), Gen.Int[1, 3])
            .Sample((chars, padding, scheme, spaces) =>
            {
                var token = new string(chars) + new string('=', padding);
                var header = AuthorizationHeader.Parse(scheme + new string(' ', spaces) + token + new string(' ', spaces - 1));
                Assert.Equal(AuthorizationKind.Bearer, header.Kind);
                Assert.Equal(token, header.Token.ToString());
                // At least one character before the inner space: an empty first half would only be leading spaces (seed 77rbOmVLFF33).
                Assert.Equal(AuthorizationKind.Malformed, AuthorizationHeader.Parse($"{scheme} {token[..Math.Max(1, token.Length / 2)]} x{token}").Kind);
            });
}
