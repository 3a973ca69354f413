using System.Net.Http.Headers;
using CsCheck;
using OrleansRegistry.Client.Registry.Auth;

namespace OrleansRegistry.Client.Tests.Properties;

/// <summary>
/// The WWW-Authenticate challenge parser (RFC 9110 11.6.1 auth-params; the Docker token spec's Bearer challenge):
/// whatever a registry puts in realm, service and scope as quoted strings comes back unchanged.
/// </summary>
public sealed class AuthChallengeProperties
{
    // Quoted-string content: anything but control characters, with '"' and '\' escaped by the formatter below.
    private static readonly Gen<string> Quotable = Gen.Frequency((4, Gen.Char[' ', '~']), (1, Gen.Char['\u00A0', '\u07FF']))
        .Array[0, 30].Select(chars => new string(chars));

    private static readonly Gen<string[]> Scopes =
        Gen.Char["abc/:,*09-_."].Array[1, 12].Select(chars => new string(chars)).Array[0, 4];

    [Fact]
    public void Bearer_challenge_round_trips_realm_service_and_scopes() =>
        Gen.Select(Quotable, Quotable, Scopes, Gen.Bool).Sample((realm, service, scopes, spaced) =>
        {
            var separator = spaced ? ", " : ",";
            var parameter = $"realm={Quote(realm)}{separator}service={Quote(service)}{separator}scope={Quote(string.Join(' ', scopes))}";

            var challenge = AuthChallenge.Parse(new AuthenticationHeaderValue("Bearer", parameter));

            Assert.True(challenge.IsBearer);
            Assert.Equal(realm, challenge.Realm);
            Assert.Equal(service, challenge.Service);
            Assert.Equal(scopes, challenge.Scopes);
        });

    [Fact]
    public void Token_values_round_trip_unquoted() =>
        Gen.Select(Gen.Char["abcXYZ019-._~+/"].Array[1, 20], Gen.Char["abc019-."].Array[1, 20]).Sample((realm, service) =>
        {
            var parameters = AuthChallenge.ParseParameters($"realm={new string(realm)},Service={new string(service)}");
            Assert.Equal(new string(realm), parameters["realm"]);
            Assert.Equal(new string(service), parameters["service"]); // parameter names are case-insensitive
        });

    private static string Quote(string value) => "\"" + value.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
}
