using System.Security.Cryptography.X509Certificates;
using Microsoft.IdentityModel.Tokens;

namespace OrleansRegistry.Server.Security.Tokens;

/// <summary>
/// The verification keys of one trusted external issuer: the public keys of a PEM certificate bundle, or a JWKS read
/// from a file or fetched over https (again after <see cref="Refresh"/>, so a rotated key is picked up).
/// </summary>
public sealed class TrustedKeys(TrustedIssuerOptions issuer, IHttpClientFactory http, TimeProvider clock)
{
    private static readonly TimeSpan Refresh = TimeSpan.FromMinutes(10);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private IReadOnlyList<SecurityKey> _keys = [];
    private DateTimeOffset _loadedAt = DateTimeOffset.MinValue;

    public TrustedIssuerOptions Issuer => issuer;

    public async ValueTask<IReadOnlyList<SecurityKey>> GetAsync(CancellationToken ct)
    {
        if (clock.GetUtcNow() - _loadedAt < Refresh) return _keys;
        await _gate.WaitAsync(ct);
        try
        {
            if (clock.GetUtcNow() - _loadedAt < Refresh) return _keys;
            _keys = await LoadAsync(ct);
            _loadedAt = clock.GetUtcNow();
            return _keys;
        }
        finally { _gate.Release(); }
    }

    private async Task<IReadOnlyList<SecurityKey>> LoadAsync(CancellationToken ct)
    {
        var keys = new List<SecurityKey>();
        if (!string.IsNullOrWhiteSpace(issuer.Certificates))
        {
            var bundle = new X509Certificate2Collection();
            bundle.ImportFromPemFile(issuer.Certificates);
            foreach (var certificate in bundle)
                keys.Add(certificate.GetECDsaPublicKey() is { } ec ? new ECDsaSecurityKey(ec) : new X509SecurityKey(certificate));
        }
        if (!string.IsNullOrWhiteSpace(issuer.Jwks))
        {
            var json = issuer.Jwks.StartsWith("https://", StringComparison.OrdinalIgnoreCase)
                ? await http.CreateClient(nameof(TrustedKeys)).GetStringAsync(issuer.Jwks, ct)
                : await File.ReadAllTextAsync(issuer.Jwks, ct);
            keys.AddRange(new JsonWebKeySet(json).GetSigningKeys());
        }
        return keys;
    }
}
