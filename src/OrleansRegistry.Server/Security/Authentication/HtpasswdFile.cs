using System.Diagnostics;
using Microsoft.Extensions.Options;

namespace OrleansRegistry.Server.Security.Authentication;

/// <summary>
/// The users of an htpasswd file with bcrypt entries (<c>$2y$</c>, <c>$2a$</c>, <c>$2b$</c>), as distribution and
/// nginx read it; other formats are skipped with a warning. The file is looked at again at most once a second and
/// re-read when its modification time or size changed; <see cref="Version"/> then changes, which empties the
/// verified-credentials cache's meaning for the old content.
/// </summary>
public sealed class HtpasswdFile(IOptions<AuthOptions> options, ILogger<HtpasswdFile> logger)
{
    private static readonly TimeSpan RecheckInterval = TimeSpan.FromSeconds(1);
    private readonly string _path = Path.GetFullPath(options.Value.Htpasswd ?? throw new InvalidOperationException("Registry:Auth:Htpasswd is not set"));
    private readonly Lock _lock = new();
    private Snapshot _current = Snapshot.Empty;
    private long _nextCheck; // Stopwatch timestamp; 0: never read

    private sealed record Snapshot(DateTime Modified, long Length, long Version, IReadOnlyDictionary<string, string> Hashes)
    {
        public static readonly Snapshot Empty = new(DateTime.MinValue, -1, 0, new Dictionary<string, string>());
    }

    /// <summary>Changes whenever the file's content was re-read.</summary>
    public long Version => Current.Version;

    /// <summary>The bcrypt hash of <paramref name="user"/>, or null when the file has no such user.</summary>
    public string? HashOf(string user) => Current.Hashes.GetValueOrDefault(user);

    public bool Contains(string user) => Current.Hashes.ContainsKey(user);

    public IReadOnlyCollection<string> Users => Current.Hashes.Keys.ToArray();

    /// <summary>Checks the password against the file (bcrypt: tens of milliseconds; callers cache the outcome).</summary>
    public bool Verify(string user, string password)
    {
        var hash = HashOf(user);
        if (hash is null) return false;
        try { return BCrypt.Net.BCrypt.Verify(password, hash); }
        catch (BCrypt.Net.SaltParseException) { return false; }
    }

    private Snapshot Current
    {
        get
        {
            var now = Stopwatch.GetTimestamp();
            if (now < Volatile.Read(ref _nextCheck)) return _current;
            lock (_lock)
            {
                if (now < _nextCheck) return _current;
                Reload();
                Volatile.Write(ref _nextCheck, now + (long)(RecheckInterval.TotalSeconds * Stopwatch.Frequency));
                return _current;
            }
        }
    }

    private void Reload()
    {
        var info = new FileInfo(_path);
        if (!info.Exists)
        {
            if (_current.Length != -1 || _current.Version == 0)
            {
                logger.LogWarning("htpasswd file {Path} does not exist: no user can log in", _path);
                _current = Snapshot.Empty with { Version = _current.Version + 1 };
            }
            return;
        }
        if (info.LastWriteTimeUtc == _current.Modified && info.Length == _current.Length) return;
        var hashes = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            foreach (var raw in File.ReadAllLines(_path))
            {
                var line = raw.Trim();
                if (line.Length == 0 || line.StartsWith('#')) continue;
                var colon = line.IndexOf(':');
                var hash = colon > 0 ? line[(colon + 1)..] : "";
                if (!(hash.StartsWith("$2y$") || hash.StartsWith("$2a$") || hash.StartsWith("$2b$")))
                {
                    logger.LogWarning("htpasswd {Path}: entry {User} is not bcrypt and is skipped (create it with htpasswd -B)",
                        _path, colon > 0 ? line[..colon] : "?");
                    continue;
                }
                hashes[line[..colon]] = hash;
            }
        }
        catch (IOException e)
        {
            logger.LogWarning(e, "htpasswd file {Path} could not be read; keeping the users read before", _path);
            return;
        }
        _current = new Snapshot(info.LastWriteTimeUtc, info.Length, _current.Version + 1, hashes);
        logger.LogInformation("htpasswd file {Path} read: {Count} users", _path, hashes.Count);
    }
}
