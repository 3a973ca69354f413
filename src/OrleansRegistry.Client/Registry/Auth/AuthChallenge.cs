using System.Net.Http.Headers;

namespace OrleansRegistry.Client.Registry.Auth;

/// <summary>
/// One <c>WWW-Authenticate</c> challenge of a registry: <c>Basic realm="..."</c>, or the Docker token flow's
/// <c>Bearer realm="...",service="...",scope="repository:NAME:pull,push"</c> (several scopes separated by spaces).
/// </summary>
internal sealed record AuthChallenge(string Scheme, string? Realm, string? Service, IReadOnlyList<string> Scopes)
{
    public bool IsBasic => Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase);

    public bool IsBearer => Scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase) && Realm is not null;

    /// <summary>The first Bearer (with a realm) or Basic challenge of a response; null when there is none we can answer.</summary>
    public static AuthChallenge? From(HttpResponseMessage response)
    {
        AuthChallenge? basic = null;
        foreach (var header in response.Headers.WwwAuthenticate)
        {
            var challenge = Parse(header);
            if (challenge.IsBearer)
                return challenge;
            if (challenge.IsBasic)
                basic ??= challenge;
        }
        return basic;
    }

    public static AuthChallenge Parse(AuthenticationHeaderValue header)
    {
        var parameters = ParseParameters(header.Parameter ?? "");
        parameters.TryGetValue("realm", out var realm);
        parameters.TryGetValue("service", out var service);
        var scopes = parameters.TryGetValue("scope", out var scope)
            ? scope.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            : [];
        return new AuthChallenge(header.Scheme, realm, service, scopes);
    }

    /// <summary><c>key=value</c> and <c>key="quoted, value"</c> pairs separated by commas (scope values contain commas).</summary>
    public static Dictionary<string, string> ParseParameters(string text)
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var i = 0;
        while (i < text.Length)
        {
            while (i < text.Length && (text[i] == ',' || char.IsWhiteSpace(text[i]))) i++;
            var eq = text.IndexOf('=', i);
            if (eq < 0) break;
            var key = text[i..eq].Trim();
            i = eq + 1;
            string value;
            if (i < text.Length && text[i] == '"')
            {
                var buffer = new System.Text.StringBuilder();
                i++;
                while (i < text.Length && text[i] != '"')
                {
                    if (text[i] == '\\' && i + 1 < text.Length) i++;
                    buffer.Append(text[i++]);
                }
                i++; // closing quote
                value = buffer.ToString();
            }
            else
            {
                var end = text.IndexOf(',', i);
                if (end < 0) end = text.Length;
                value = text[i..end].Trim();
                i = end;
            }
            if (key.Length > 0)
                result[key] = value;
        }
        return result;
    }
}
