using System.Net;
using OrleansRegistry.Cli.Parsing;
using OrleansRegistry.Client.Registry;

namespace OrleansRegistry.Cli.Hosting;

/// <summary>
/// Turns a registry host into a <see cref="RegistryClient"/>, all over one <see cref="HttpClient"/> (one connection pool
/// for every registry of a run). Scheme: https, except with <c>--plain-http</c> or for localhost and loopback
/// addresses, which get plain http as docker treats 127.0.0.0/8 as an insecure registry by default: a registry on
/// loopback without TLS is the common local set-up, and nothing leaves the machine.
/// </summary>
internal sealed class RegistryConnector : IDisposable
{
    // A blob GET is one request however big the blob; the client resumes a broken or timed-out download with Range,
    // so this only bounds how long one request may stall a run, not how big a blob may be.
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromHours(1);

    private readonly HttpClient _http;
    private readonly bool _plainHttp;
    private readonly string? _username;
    private readonly string? _password;

    /// <summary><paramref name="username"/>/<paramref name="password"/> (null: anonymous) go to every registry the run talks to.</summary>
    public RegistryConnector(bool plainHttp, string? username = null, string? password = null)
    {
        _plainHttp = plainHttp;
        _username = username;
        _password = password;
        _http = new HttpClient(new SocketsHttpHandler
        {
            ConnectTimeout = TimeSpan.FromSeconds(30),
            // Blobs are compressed already and their digests cover the bytes as stored: never let HTTP recode them.
            AutomaticDecompression = DecompressionMethods.None,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
        })
        {
            Timeout = RequestTimeout,
        };
        _http.DefaultRequestHeaders.UserAgent.ParseAdd("oreg/1.0");
    }

    public Uri BaseAddress(string host) =>
        new($"{(_plainHttp || ImageReference.IsLoopback(host) ? "http" : "https")}://{host}/");

    public RegistryClient Connect(string host) => new(_http, new RegistryClientOptions
    {
        Registry = BaseAddress(host),
        Username = _username,
        Password = _password,
    });

    public RepositoryClient Repository(ImageReference reference) => Connect(reference.Host).Repository(reference.Repository);

    public void Dispose() => _http.Dispose();
}
