using System.Net;
using System.Security.Cryptography.X509Certificates;
using OrleansRegistry.TestSupport.Interop;
using OrleansRegistry.TestSupport.Network;

namespace OrleansRegistry.TestSupport.Registry;

/// <summary>
/// Our registry serving HTTPS (<c>Registry:Tls</c>) beside plain HTTP, on loopback, with a certificate for
/// <c>127.0.0.1</c> and <c>localhost</c> issued by a private CA made for the fixture. <see cref="CertificateDirectory"/>
/// holds that CA as <c>ca.crt</c>, the layout skopeo's <c>--dest-cert-dir</c> / <c>--src-cert-dir</c> read.
/// </summary>
public class HttpsRegistryFixture : IAsyncLifetime
{
    private readonly TestCertificateAuthority _ca = new("CN=orleans-registry test CA");
    private readonly TempDirectory _root = new();
    private RegistryProcess? _registry;

    public RegistryProcess Registry => _registry ?? throw new InvalidOperationException("not started");

    public Uri HttpsAddress => Registry.HttpsAddress ?? throw new InvalidOperationException("the registry serves no HTTPS");

    /// <summary>host:port of the HTTPS address.</summary>
    public string HttpsHostPort => $"{HttpsAddress.Host}:{HttpsAddress.Port}";

    /// <summary>The CA's certificate (PEM), as <c>oreg --ca-file</c> takes it.</summary>
    public string CaCertificatePath => Path.Combine(CertificateDirectory, "ca.crt");

    public string CertificateDirectory => _root.Child("certs");

    public string ServerCertificatePath => _root.Child("server.pem");

    public string ServerKeyPath => _root.Child("server-key.pem");

    /// <summary>The thumbprint of the certificate last written for the server (a test that writes the files itself sets it).</summary>
    public string IssuedThumbprint { get; set; } = "";

    /// <summary>False: the server is told to serve no plain HTTP (<c>Registry:Tls:Http=false</c>).</summary>
    protected virtual bool ServeHttp => true;

    /// <summary>The port of the server's <c>--urls http://…</c> address (served or not, depending on <see cref="ServeHttp"/>).</summary>
    public int PlainPort { get; private set; }

    private Dictionary<string, string> Settings => new()
    {
        ["Registry__Tls__Certificate"] = ServerCertificatePath,
        ["Registry__Tls__Key"] = ServerKeyPath,
        ["Registry__Tls__Url"] = "https://127.0.0.1:0",
        ["Registry__Tls__Http"] = ServeHttp ? "true" : "false",
    };

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(CertificateDirectory);
        Directory.CreateDirectory(_root.Child("data"));
        await File.WriteAllTextAsync(CaCertificatePath, _ca.CertificatePem);
        await IssueAsync();
        var server = await PostgresServer.GetAsync();
        // Served, the plain port is read back from the server's log (port 0); not served, it is a fixed port to try.
        _registry = await RegistryProcess.StartAsync(await server.CreateDatabaseAsync("registry"), _root.Child("data"), Settings,
            httpPort: ServeHttp ? null : LoopbackPorts.Candidate());
        PlainPort = ServeHttp ? Registry.BaseAddress.Port : Registry.RequestedHttpPort!.Value;
    }

    /// <summary>Writes a new certificate and key (same CA, new key) over the served files; returns its thumbprint.</summary>
    public async Task<string> IssueAsync()
    {
        var issued = Issue();
        await issued.WriteAsync(ServerCertificatePath, ServerKeyPath);
        return IssuedThumbprint = issued.Thumbprint;
    }

    /// <summary>A new certificate for the server from the fixture's CA, not written anywhere.</summary>
    public IssuedCertificate Issue() => _ca.IssueServer([IPAddress.Loopback], ["localhost"]);

    /// <summary>An HTTPS client that trusts the fixture's CA only, and remembers the certificate each handshake saw.</summary>
    public TrustingClient CreateClient(Uri? address = null) => new(address ?? HttpsAddress, _ca.Certificate);

    public async Task DisposeAsync()
    {
        if (_registry is not null) await _registry.DisposeAsync();
        _ca.Dispose();
        _root.Dispose();
    }

    /// <summary>An <see cref="HttpClient"/> validating against one root; <see cref="LastCertificate"/> is what the server presented.</summary>
    public sealed class TrustingClient : IDisposable
    {
        public TrustingClient(Uri address, X509Certificate2 root)
        {
            var handler = new SocketsHttpHandler
            {
                // One connection per request, so every request shows the certificate served at that moment.
                PooledConnectionLifetime = TimeSpan.Zero,
                SslOptions =
                {
                    RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                    {
                        // The name must match; only the chain is judged here, against the one root.
                        if (certificate is null || (errors & ~System.Net.Security.SslPolicyErrors.RemoteCertificateChainErrors) != 0) return false;
                        using var chain = new X509Chain();
                        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                        chain.ChainPolicy.CustomTrustStore.Add(root);
                        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                        using var presented = new X509Certificate2(certificate);
                        var valid = chain.Build(presented);
                        LastCertificate = presented.Thumbprint;
                        return valid;
                    },
                },
            };
            Http = new HttpClient(handler) { BaseAddress = address, Timeout = TimeSpan.FromMinutes(2) };
        }

        public HttpClient Http { get; }

        public string? LastCertificate { get; private set; }

        public void Dispose() => Http.Dispose();
    }
}

/// <summary><see cref="HttpsRegistryFixture"/> with plain HTTP off: only the HTTPS address is bound.</summary>
public sealed class HttpsOnlyRegistryFixture : HttpsRegistryFixture
{
    protected override bool ServeHttp => false;
}
