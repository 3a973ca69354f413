using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace OrleansRegistry.Server.Security.Authentication;

/// <summary>
/// Basic credentials already checked with bcrypt, so bcrypt (tens of milliseconds by design) runs once per user,
/// password and htpasswd version rather than on every request. Keyed by a SHA-256 of user and password together with
/// the file's version: the password itself is never held, and a changed file invalidates every entry. Bounded.
/// </summary>
public sealed class VerifiedCredentials(HtpasswdFile users)
{
    private const int Capacity = 10_000;
    private readonly ConcurrentDictionary<string, bool> _outcomes = new(StringComparer.Ordinal);

    /// <summary>True when the file's current version accepts the pair.</summary>
    public bool Verify(string user, string password)
    {
        var version = users.Version;
        var key = Key(user, password, version);
        if (_outcomes.TryGetValue(key, out var known)) return known;
        var ok = users.Verify(user, password);
        if (_outcomes.Count >= Capacity) _outcomes.Clear(); // rare; the next requests re-verify once each
        _outcomes[key] = ok;
        return ok;
    }

    private static string Key(string user, string password, long version)
    {
        var bytes = Encoding.UTF8.GetBytes($"{user}\0{password}");
        try { return $"{version}:{Convert.ToHexString(SHA256.HashData(bytes))}"; }
        finally { CryptographicOperations.ZeroMemory(bytes); }
    }
}
