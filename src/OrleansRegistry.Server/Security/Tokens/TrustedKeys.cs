using System.Security.Cryptography.X509Certificates;
using Microsoft.IdentityModel.Tokens;

namespace OrleansRegistry.Server.Security.Tokens;

/// <summary>
/// The verification keys of one trusted external issuer: the public keys of a PEM certificate bundle, or a JWKS read
/// from a file or fetched over https, read again every <see cref="Refresh"/> so that a rotated key is picked up. A
/// read that fails keeps the keys read before (none at first: its tokens are then refused) and is retried soon.
/// </summary>
public sealed class TrustedKeys(TrustedIssuerOptions issuer, IHttpClientFactory http, TimeProvider clock, ILogger logger)
{
    private static readonly TimeSpan Refresh = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan RetryAfterFailure = TimeSpan.FromSeconds(30);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private Snapshot _current = new([], DateTimeOffset.MinValue);

    // One reference, swapped whole: readers never see keys of one read with the expiry of another.
    private sealed record Snapshot(IReadOnlyList<SecurityKey> Keys, DateTimeOffset ReadAgainAt);

    public TrustedIssuerOptions Issuer => issuer;

    public async ValueTask<IReadOnlyList<SecurityKey>> GetAsync(CancellationToken ct)
    {
        var current = Volatile.Read(ref _current);
        if (clock.GetUtcNow() < current.ReadAgainAt) return current.Keys;
        await _gate.WaitAsync(ct);
        try
        {
            current = _current;
            if (clock.GetUtcNow() < current.ReadAgainAt) return current.Keys;
            try
            {
                current = new Snapshot(await LoadAsync(ct), clock.GetUtcNow() + Refresh);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Keys of trusted token issuer {Issuer} could not be read; retrying in {Delay}", issuer.Issuer, RetryAfterFailure);
                current = current with { ReadAgainAt = clock.GetUtcNow() + RetryAfterFailure };
            }
            Volatile.Write(ref _current, current);
            return current.Keys;
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
