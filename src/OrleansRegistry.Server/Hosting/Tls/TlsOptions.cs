namespace OrleansRegistry.Server.Hosting.Tls;

/// <summary>
/// HTTPS (configuration section <c>Registry:Tls</c>; env <c>Registry__Tls__…</c>). Off unless <see cref="Certificate"/>
/// is set: plain HTTP on loopback stays the default for development.
/// </summary>
public sealed class TlsOptions
{
    public const string Section = $"{RegistryOptions.Section}:Tls";

    /// <summary>PEM certificate (the server's first, then any intermediates); setting it turns HTTPS on.</summary>
    public string? Certificate { get; set; }

    /// <summary>PEM private key of the certificate (PKCS#8, PKCS#1 or SEC1; unencrypted).</summary>
    public string? Key { get; set; }

    /// <summary>Where HTTPS listens, besides the <c>--urls</c> / <c>ASPNETCORE_URLS</c> addresses (an <c>https://</c> URL there gets the certificate too).</summary>
    public string Url { get; set; } = "https://127.0.0.1:5443";

    /// <summary><c>false</c>: the <c>http://</c> addresses of <c>--urls</c> are not served, only HTTPS.</summary>
    public bool Http { get; set; } = true;

    /// <summary>
    /// How often the certificate files are compared with the ones served, besides the file-system notifications that
    /// reload them at once (a safety net for mounts that send none, e.g. some network file systems).
    /// </summary>
    public TimeSpan ReloadCheckInterval { get; set; } = TimeSpan.FromMinutes(1);

    public bool Enabled => !string.IsNullOrEmpty(Certificate);
}
