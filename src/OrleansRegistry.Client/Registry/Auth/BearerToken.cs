using System.Text.Json;

namespace OrleansRegistry.Client.Registry.Auth;

/// <summary>
/// A token from a Docker token endpoint: <c>{"token": ...}</c> or <c>{"access_token": ...}</c> with
/// <c>expires_in</c> seconds (60 when absent, as the token spec says), kept until shortly before it expires;
/// <c>refresh_token</c> when the request asked for one (<c>offline_token=true</c>).
/// </summary>
internal sealed record BearerToken(string Value, DateTimeOffset ValidUntil)
{
    public string? RefreshToken { get; init; }

    public const int DefaultLifetimeSeconds = 60;

    public bool IsValid(DateTimeOffset now) => now < ValidUntil;

    public static BearerToken? Parse(byte[] json, DateTimeOffset now)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
            return null;
        string? value = null;
        if (root.TryGetProperty("token", out var token) && token.ValueKind == JsonValueKind.String)
            value = token.GetString();
        if (string.IsNullOrEmpty(value) && root.TryGetProperty("access_token", out var access) && access.ValueKind == JsonValueKind.String)
            value = access.GetString();
        if (string.IsNullOrEmpty(value))
            return null;
        var lifetime = DefaultLifetimeSeconds;
        if (root.TryGetProperty("expires_in", out var expires) && expires.ValueKind == JsonValueKind.Number
            && expires.TryGetInt32(out var seconds) && seconds > 0)
            lifetime = seconds;
        // A margin for clock skew and the time the request takes: a tenth of the lifetime, at most 30 s.
        var margin = TimeSpan.FromSeconds(Math.Min(30, lifetime / 10.0));
        var refresh = root.TryGetProperty("refresh_token", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : null;
        return new BearerToken(value, now + TimeSpan.FromSeconds(lifetime) - margin)
        {
            RefreshToken = string.IsNullOrEmpty(refresh) ? null : refresh,
        };
    }
}
