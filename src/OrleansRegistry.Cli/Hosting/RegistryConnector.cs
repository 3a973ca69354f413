using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using OrleansRegistry.Cli.Parsing;
using OrleansRegistry.Client.Credentials;
using OrleansRegistry.Client.Registry;

namespace OrleansRegistry.Cli.Hosting;

/// <summary>
/// Turns a registry host into a <see cref="RegistryClient"/>, all over one <see cref="HttpClient"/> (one connection pool
/// for every registry of a run). Scheme: https, except with <c>--plain-http</c> or for localhost and loopback
/// addresses, which get plain http as docker treats 127.0.0.0/8 as an insecure registry by default: a registry on
/// loopback without TLS is the common local set-up, and nothing leaves the machine. <c>--ca-file</c> or
/// <c>--insecure</c> on the command line ask for TLS, so they make loopback registries https too. Credentials: the
/// run's <c>--username</c>/<c>--password</c> for every registry, else each registry's own from the credential store
/// (docker's <c>config.json</c> and helpers, what <c>oreg login</c> wrote), looked up when the registry asks.
/// </summary>
/// <remarks>
/// Certificates: the system's validation, plus with <c>--ca-file</c> a chain built to the file's roots alone
/// (<see cref="X509ChainTrustMode.CustomRootTrust"/>) when the system store does not trust the chain; a certificate for
/// another host name is refused either way. <c>--insecure</c> accepts every certificate.
/// </remarks>
internal sealed class RegistryConnector : IDisposable
{
    // A blob GET is one request however big the blob; the client resumes a broken or timed-out download with Range,
    // so this only bounds how long one request may stall a run, not how big a blob may be.
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromHours(1);

    private readonly HttpClient _http;
    private readonly bool _plainHttp;
    private readonly bool _tlsForLoopback;
    private readonly string? _username;
    private readonly string? _password;
    private readonly X509Certificate2Collection? _trustedRoots;
    private readonly ICredentialStore? _credentials;
    private readonly IReadOnlyCollection<string> _trustedRealmHosts;
    private volatile string? _rejection;

    /// <summary>
    /// <paramref name="username"/>/<paramref name="password"/> go to every registry the run talks to; without them,
    /// each registry's entry in <paramref name="credentials"/> (null: anonymous).
    /// </summary>
    public RegistryConnector(bool plainHttp, string? username = null, string? password = null,
        X509Certificate2Collection? trustedRoots = null, bool insecure = false, bool tlsForLoopback = false,
        ICredentialStore? credentials = null, IReadOnlyCollection<string>? trustedRealmHosts = null)
    {
        _trustedRealmHosts = trustedRealmHosts ?? [];
        _plainHttp = plainHttp;
        _tlsForLoopback = tlsForLoopback;
        _username = username;
        _password = password;
        _trustedRoots = trustedRoots;
        _credentials = credentials;
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = TimeSpan.FromSeconds(30),
            // Blobs are compressed already and their digests cover the bytes as stored: never let HTTP recode them.
            AutomaticDecompression = DecompressionMethods.None,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
        };
        if (insecure)
            handler.SslOptions.RemoteCertificateValidationCallback = static (_, _, _, _) => true;
        else if (trustedRoots is not null)
            handler.SslOptions.RemoteCertificateValidationCallback = ValidateWithTrustedRoots;
        _http = new HttpClient(handler) { Timeout = RequestTimeout };
        _http.DefaultRequestHeaders.UserAgent.ParseAdd("oreg/1.0");
    }

    /// <summary>Why the last certificate was refused under <c>--ca-file</c> (null: none was), for the error message.</summary>
    public string? CertificateRejection => _rejection;

    public Uri BaseAddress(string host) =>
        new($"{(_plainHttp || (ImageReference.IsLoopback(host) && !_tlsForLoopback) ? "http" : "https")}://{host}/");

    public RegistryClient Connect(string host) => new(_http, new RegistryClientOptions
    {
        Registry = BaseAddress(host),
        Username = _username,
        Password = _password,
        CredentialStore = _username is null ? _credentials : null,
        TrustedRealmHosts = _trustedRealmHosts,
    });

    /// <summary>A client for <paramref name="host"/> with exactly <paramref name="credential"/> (what <c>login</c> checks).</summary>
    public RegistryClient Connect(string host, RegistryCredential credential) => new(_http, new RegistryClientOptions
    {
        Registry = BaseAddress(host),
        Username = credential.Username,
        Password = credential.Password,
        TrustedRealmHosts = _trustedRealmHosts,
    });

    public RepositoryClient Repository(ImageReference reference) => Connect(reference.Host).Repository(reference.Repository);

    public void Dispose() => _http.Dispose();

    private bool ValidateWithTrustedRoots(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (errors == SslPolicyErrors.None)
            return true; // the system store trusts it
        var host = (sender as SslStream)?.TargetHostName;
        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch) || certificate is null)
        {
            _rejection = certificate is null
                ? "the registry sent no certificate"
                : $"the certificate ({certificate.Subject}) is not issued for the host name '{host}'";
            return false;
        }

        // Only chain errors are left: build the chain again to the --ca-file roots, with the policy SslStream used
        // (server-auth usage, the certificates the server sent as intermediates, revocation mode).
        using var custom = new X509Chain();
        if (chain is not null)
            custom.ChainPolicy = chain.ChainPolicy.Clone();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.CustomTrustStore.Clear();
        custom.ChainPolicy.CustomTrustStore.AddRange(_trustedRoots!);
        var leaf = certificate as X509Certificate2 ?? new X509Certificate2(certificate);
        if (custom.Build(leaf))
            return true;
        var status = string.Join(", ", custom.ChainStatus.Select(s => s.Status).Distinct());
        _rejection = $"the certificate ({certificate.Subject}) chains neither to the system store nor to a --ca-file root ({status})";
        return false;
    }
}
