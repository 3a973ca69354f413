namespace OrleansRegistry.Server.Security;

/// <summary>
/// <c>Registry:Auth</c> (env <c>Registry__Auth__…</c>). Authentication is on when <see cref="Htpasswd"/> is set or a
/// trusted external issuer is configured; otherwise every request is anonymous and allowed, and none of this runs.
/// </summary>
public sealed class AuthOptions
{
    public const string Section = "Registry:Auth";

    /// <summary>An htpasswd file of bcrypt entries; re-read when it changes.</summary>
    public string? Htpasswd { get; set; }

    public TokenOptions Token { get; set; } = new();

    /// <summary>Group name → user names.</summary>
    public Dictionary<string, string[]> Groups { get; set; } = new();

    /// <summary>Members may read /metrics and /dashboard. With no Rules and no Groups, every htpasswd user is an admin.</summary>
    public string AdminGroup { get; set; } = "admins";

    /// <summary>Ordered; the first rule matching the repository and the caller decides (see AccessRules).</summary>
    public List<AccessRuleOptions> Rules { get; set; } = [];

    public bool Enabled => !string.IsNullOrWhiteSpace(Htpasswd) || Token.TrustedIssuers.Count > 0;
}

public sealed class TokenOptions
{
    /// <summary>The built-in token endpoint (<c>/token</c>); default on when authentication is on.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The realm of the Bearer challenge; unset: <c>&lt;request scheme&gt;://&lt;request host&gt;/token</c>.</summary>
    public string? Realm { get; set; }

    /// <summary>The <c>service</c> of the challenge and the <c>aud</c> of our tokens.</summary>
    public string Service { get; set; } = "orleans-registry";

    /// <summary>The <c>iss</c> of our tokens.</summary>
    public string Issuer { get; set; } = "orleans-registry";

    public TimeSpan Lifetime { get; set; } = TimeSpan.FromMinutes(5);

    public TimeSpan RefreshLifetime { get; set; } = TimeSpan.FromDays(7);

    /// <summary>PEM private key (EC P-256) that signs our tokens; unset: generated once into &lt;DataDirectory&gt;/auth/.</summary>
    public string? SigningKey { get; set; }

    /// <summary>PEM certificate of <see cref="SigningKey"/> (its <c>x5c</c> in the token header, a registry's rootcertbundle).</summary>
    public string? SigningCertificate { get; set; }

    /// <summary>Tolerance for <c>exp</c>/<c>nbf</c>; capped at <see cref="MaxClockSkew"/>.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);

    public static readonly TimeSpan MaxClockSkew = TimeSpan.FromMinutes(5);

    public TimeSpan EffectiveClockSkew => ClockSkew < TimeSpan.Zero ? TimeSpan.Zero : ClockSkew > MaxClockSkew ? MaxClockSkew : ClockSkew;

    public List<TrustedIssuerOptions> TrustedIssuers { get; set; } = [];
}

/// <summary>An external token issuer whose tokens are accepted: its <c>iss</c>, the <c>aud</c> it writes, and its keys.</summary>
public sealed class TrustedIssuerOptions
{
    public string Issuer { get; set; } = "";

    /// <summary>The <c>aud</c> its tokens must carry; unset: our <c>Token:Service</c>.</summary>
    public string? Audience { get; set; }

    /// <summary>PEM bundle of certificates whose public keys verify its signatures.</summary>
    public string? Certificates { get; set; }

    /// <summary>A JWKS: a file path or an https URL.</summary>
    public string? Jwks { get; set; }
}

public sealed class AccessRuleOptions
{
    /// <summary><c>*</c> matches within one path component, <c>**</c> any run including <c>/</c>.</summary>
    public string Repository { get; set; } = "**";

    /// <summary>User names; <c>*</c> is any authenticated user.</summary>
    public string[] Users { get; set; } = [];

    public string[] Groups { get; set; } = [];

    public bool Anonymous { get; set; }

    /// <summary><c>pull</c>, <c>push</c>, <c>delete</c>, or <c>*</c> for all.</summary>
    public string[] Actions { get; set; } = [];
}
