using System.Text;
using OrleansRegistry.Core.Access;
using OrleansRegistry.Server.Security.Authentication;
using OrleansRegistry.Server.Security.Tokens;
using static OrleansRegistry.TestSupport.Parsers.ParserInvariantException;
using static OrleansRegistry.TestSupport.Parsers.ParserTargets;

namespace OrleansRegistry.TestSupport.Parsers;

/// <summary>The Server's parsers of untrusted input (request headers, token claims), by name, as <see cref="ParserTargets"/>.</summary>
public static class ServerParserTargets
{
    private const string AuthorizationAlphabet = "BasicBearer =+/-._~ AZaz09";
    private const string AccessClaimAlphabet = JsonAlphabet + "accesstypenameactionsrepositoryclasspull";

    public static IReadOnlyList<ParserTarget> All { get; } =
    [
        new("authorization-header", "Server", AuthorizationAlphabet,
            ["Basic " + Convert.ToBase64String("bob:pa:ss"u8), "bearer eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJib2IifQ.c2ln", "Basic Ym9iOg==", BasicOctets + "bob:\u00e9t\u00e9:x"],
            RunAuthorizationHeader),
        new("token-access-claim", "Server", AccessClaimAlphabet,
            ["{\"sub\":\"bob\",\"access\":[{\"type\":\"repository\",\"name\":\"team-a/app\",\"actions\":[\"pull\",\"push\"]}]}",
             "{\"access\":[{\"type\":\"repository\",\"class\":\"plugin\",\"name\":\"localhost:5000/p\",\"actions\":[\"*\"]},{\"type\":\"registry\",\"name\":\"catalog\",\"actions\":[\"*\"]}]}"],
            RunTokenAccessClaim),
    ];

    /// <summary>An authorization-header input that starts with this is Basic over the raw octets after it (non-UTF-8, controls, colons).</summary>
    private const string BasicOctets = "\u0001";

    private static void RunAuthorizationHeader(byte[] input)
    {
        var text = input.Length > 0 && input[0] == 1 ? "Basic " + Convert.ToBase64String(input.AsSpan(1)) : Text(input);
        var header = AuthorizationHeader.Parse(text);
        Check(header.Kind == AuthorizationKind.None == (text.Length == 0), $"'{text}': {header.Kind}");
        switch (header.Kind)
        {
            case AuthorizationKind.Basic:
                var (user, password) = (header.User!, header.Password!);
                Check(user.Length > 0 && !user.Contains(':') && !(user + password).Any(c => c < ' ' || c == '\u007F'), $"'{text}': user '{user}'");
                var octets = Convert.FromBase64String(text[(text.IndexOf(' ') + 1)..].Trim(' '));
                Check(octets.AsSpan().SequenceEqual(Encoding.UTF8.GetBytes(user + ":" + password)), $"'{text}': user and password are not the octets sent");
                var again = AuthorizationHeader.Parse("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(user + ":" + password)));
                Check(again.User == user && again.Password == password, $"'{text}': credentials do not round trip");
                break;
            case AuthorizationKind.Bearer:
                var token = header.Token.ToString();
                Check(token.Length > 0 && token == text[(text.IndexOf(' ') + 1)..].Trim(' ') && !token.Any(char.IsWhiteSpace), $"'{text}': token '{token}'");
                break;
            default:
                Check(header.User is null && header.Password is null && header.Token.IsEmpty, $"'{text}': {header.Kind} with credentials");
                break;
        }
    }

    private static void RunTokenAccessClaim(byte[] input)
    {
        IReadOnlyList<ResourceScope> access;
        try { access = TokenAccessClaim.FromPayload(System.Buffers.Text.Base64Url.EncodeToString(input)); }
        catch (System.Text.Json.JsonException) { return; } // not JSON: documented (the JWT library refuses it first)
        Check(access.All(s => s.IsWellFormed), $"payload '{Text(input)}' gave a scope outside the grammar");
        // What the minter writes for a scope reads back as that scope.
        foreach (var scope in access.Where(s => s.Class is null))
        {
            var payload = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object> { [TokenAccessClaim.Name] = TokenAccessClaim.ToJson([scope]) });
            var back = TokenAccessClaim.FromPayload(System.Buffers.Text.Base64Url.EncodeToString(payload));
            Check(back.Count == 1 && back[0].Equals(scope), $"scope {scope} does not round trip through the claim");
        }
    }
}
