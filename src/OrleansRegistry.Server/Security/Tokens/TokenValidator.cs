using System.Collections.Concurrent;
using System.Security.Claims;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using OrleansRegistry.Server.Security.Authentication;

namespace OrleansRegistry.Server.Security.Tokens;

/// <summary>
/// Checks bearer tokens: ours (our key, <c>iss</c> = Token:Issuer, <c>aud</c> = Token:Service) and those of the trusted
/// external issuers (their keys, their <c>iss</c> and audience). Signature, <c>exp</c> and <c>nbf</c> (within the
/// bounded clock skew) are required; <c>alg: none</c> and algorithms other than the asymmetric ES*/RS*/PS* are
/// refused. A token that passed is remembered until it expires, so the next request with it costs one dictionary
/// lookup (reads with a cached token keep their rate); the memory is bounded.
/// </summary>
public sealed class TokenValidator
{
    private const int Capacity = 50_000;

    private static readonly string[] Algorithms =
    [
        SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.EcdsaSha384, SecurityAlgorithms.EcdsaSha512,
        SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512,
        SecurityAlgorithms.RsaSsaPssSha256, SecurityAlgorithms.RsaSsaPssSha384, SecurityAlgorithms.RsaSsaPssSha512,
    ];

    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };
    private readonly ConcurrentDictionary<string, CachedToken> _cache = new(StringComparer.Ordinal);
    private readonly AuthOptions _options;
    private readonly SigningKey? _ours;
    private readonly IReadOnlyList<TrustedKeys> _trusted;
    private readonly TimeProvider _clock;

    private sealed record CachedToken(ClaimsPrincipal Principal, DateTimeOffset ValidUntil);

    public TokenValidator(IOptions<AuthOptions> options, IServiceProvider services, IHttpClientFactory http, TimeProvider clock,
        ILogger<TokenValidator> logger)
    {
        _options = options.Value;
        _ours = _options.Token.Enabled ? services.GetRequiredService<SigningKey>() : null;
        _trusted = _options.Token.TrustedIssuers.Select(t => new TrustedKeys(t, http, clock, logger)).ToArray();
        _clock = clock;
    }

    /// <summary>
    /// A token seen before and still valid: its caller, found without allocating (the header's span is the key);
    /// null when the token must be checked (<see cref="ValidateAsync"/>).
    /// </summary>
    public ClaimsPrincipal? Cached(ReadOnlySpan<char> token)
    {
        var lookup = _cache.GetAlternateLookup<ReadOnlySpan<char>>();
        return lookup.TryGetValue(token, out var cached) && cached.ValidUntil > _clock.GetUtcNow() ? cached.Principal : null;
    }

    /// <summary>The caller the token names, or null when it is not a valid token for this registry.</summary>
    public async ValueTask<ClaimsPrincipal?> ValidateAsync(string token, CancellationToken ct)
    {
        var now = _clock.GetUtcNow();
        if (_cache.TryGetValue(token, out var cached))
        {
            if (cached.ValidUntil > now) return cached.Principal;
            _cache.TryRemove(token, out _);
            return null;
        }

        var (keys, issuer, audience, ours) = await KeysForAsync(token, ct);
        if (keys is null) return null;
        var result = await _handler.ValidateTokenAsync(token, Parameters(keys, issuer!, audience!));
        if (!result.IsValid || result.SecurityToken is not JsonWebToken jwt) return null;

        var access = TokenAccessClaim.FromPayload(jwt.EncodedPayload);
        var principal = RegistryIdentity.Bearer(jwt.Subject, access, ours);
        Remember(token, new CachedToken(principal, new DateTimeOffset(jwt.ValidTo, TimeSpan.Zero) + _options.Token.EffectiveClockSkew), now);
        return principal;
    }

    /// <summary>The subject of one of our refresh tokens, or null.</summary>
    public async ValueTask<string?> ValidateRefreshAsync(string token, string refreshAudience)
    {
        if (_ours is null) return null;
        var result = await _handler.ValidateTokenAsync(token, Parameters([_ours.SecurityKey], _options.Token.Issuer, refreshAudience));
        return result.IsValid && result.SecurityToken is JsonWebToken { Subject: { Length: > 0 } subject } ? subject : null;
    }

    private async ValueTask<(IReadOnlyList<SecurityKey>? Keys, string? Issuer, string? Audience, bool Ours)> KeysForAsync(string token, CancellationToken ct)
    {
        string issuer;
        try { issuer = new JsonWebToken(token).Issuer; }
        catch (Exception e) when (e is ArgumentException or SecurityTokenException or FormatException or System.Text.Json.JsonException)
        {
            return default; // not a JWT at all: no valid credentials
        }
        if (_ours is not null && issuer == _options.Token.Issuer)
            return ([_ours.SecurityKey], issuer, _options.Token.Service, true);
        foreach (var trusted in _trusted)
            if (trusted.Issuer.Issuer == issuer)
                return (await trusted.GetAsync(ct), issuer, trusted.Issuer.Audience ?? _options.Token.Service, false);
        return default;
    }

    private TokenValidationParameters Parameters(IReadOnlyList<SecurityKey> keys, string issuer, string audience) => new()
    {
        ValidIssuer = issuer,
        ValidAudience = audience,
        IssuerSigningKeys = keys,
        TryAllIssuerSigningKeys = true,
        ValidAlgorithms = Algorithms,
        RequireSignedTokens = true,
        RequireExpirationTime = true,
        ValidateLifetime = true,
        ValidateIssuerSigningKey = false, // the keys are configured trust anchors; a certificate's own dates are not checked
        ClockSkew = _options.Token.EffectiveClockSkew,
    };

    private void Remember(string token, CachedToken entry, DateTimeOffset now)
    {
        if (_cache.Count >= Capacity)
        {
            foreach (var (key, value) in _cache)
                if (value.ValidUntil <= now) _cache.TryRemove(key, out _);
            if (_cache.Count >= Capacity) _cache.Clear();
        }
        _cache[token] = entry;
    }
}
