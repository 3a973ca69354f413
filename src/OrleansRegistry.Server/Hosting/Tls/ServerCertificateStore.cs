using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace OrleansRegistry.Server.Hosting.Tls;

/// <summary>
/// The certificate HTTPS serves, held in memory (a handshake never reads a file) and replaced when the PEM files change:
/// a file-system watcher on their directories (Kubernetes Secret mounts swap a symlink, which a watcher on the file
/// alone would miss) plus a periodic comparison. A half-written pair (new certificate, old key) fails to load or to
/// match; the old certificate is then kept and the next notification or check tries again.
/// </summary>
public sealed class ServerCertificateStore : IDisposable
{
    private readonly string _certificatePath;
    private readonly string _keyPath;
    private readonly ILogger _logger;
    private readonly List<FileSystemWatcher> _watchers = [];
    private readonly Timer _timer;
    private readonly object _reloadLock = new();
    private volatile Loaded _current;

    public ServerCertificateStore(TlsOptions options, ILogger logger)
    {
        _certificatePath = Path.GetFullPath(options.Certificate!);
        _keyPath = Path.GetFullPath(options.Key ?? throw new InvalidOperationException(
            $"{TlsOptions.Section}:Key is not set; it names the PEM private key of {TlsOptions.Section}:Certificate"));
        _logger = logger;
        // At start a broken pair is a configuration error: refuse to start rather than serve nothing.
        _current = Load();
        foreach (var directory in new[] { _certificatePath, _keyPath }.Select(Path.GetDirectoryName).Distinct())
        {
            var watcher = new FileSystemWatcher(directory!) { IncludeSubdirectories = false };
            watcher.Changed += (_, _) => Reload();
            watcher.Created += (_, _) => Reload();
            watcher.Renamed += (_, _) => Reload();
            watcher.EnableRaisingEvents = true;
            _watchers.Add(watcher);
        }
        _timer = new Timer(_ => Reload(), null, options.ReloadCheckInterval, options.ReloadCheckInterval);
    }

    /// <summary>The certificate to present now (Kestrel's <c>ServerCertificateSelector</c> returns it).</summary>
    public X509Certificate2 Current => _current.Certificate;

    /// <summary>Re-reads the files and swaps the certificate when their content changed and the pair loads.</summary>
    public void Reload()
    {
        lock (_reloadLock)
        {
            try
            {
                var (certificatePem, keyPem) = (File.ReadAllText(_certificatePath), File.ReadAllText(_keyPath));
                if (certificatePem == _current.CertificatePem && keyPem == _current.KeyPem) return;
                var loaded = Load(certificatePem, keyPem);
                // The previous certificate is not disposed: a handshake in flight may still be using it.
                _current = loaded;
                _logger.LogInformation("TLS certificate reloaded: {Subject}, thumbprint {Thumbprint}, valid until {NotAfter:u}",
                    loaded.Certificate.Subject, loaded.Certificate.Thumbprint, loaded.Certificate.NotAfter.ToUniversalTime());
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
            {
                _logger.LogWarning("TLS certificate files changed but do not load ({Message}); still serving {Thumbprint}",
                    e.Message, _current.Certificate.Thumbprint);
            }
        }
    }

    private Loaded Load() => Load(File.ReadAllText(_certificatePath), File.ReadAllText(_keyPath));

    private static Loaded Load(string certificatePem, string keyPem)
    {
        // CreateFromPem also checks that the key belongs to the certificate.
        var certificate = X509Certificate2.CreateFromPem(certificatePem, keyPem);
        return new Loaded(certificate, certificatePem, keyPem);
    }

    public void Dispose()
    {
        _timer.Dispose();
        foreach (var watcher in _watchers) watcher.Dispose();
    }

    private sealed record Loaded(X509Certificate2 Certificate, string CertificatePem, string KeyPem);
}
