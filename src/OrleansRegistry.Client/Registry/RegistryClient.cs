using System.Net;
using OrleansRegistry.Core;

namespace OrleansRegistry.Client.Registry;

/// <summary>
/// A client of one OCI Distribution registry (ours, CNCF distribution or any other) over an <see cref="HttpClient"/>
/// the caller owns, so it works with <c>IHttpClientFactory</c>. Thread-safe; every call takes a
/// <see cref="CancellationToken"/>. Long blob transfers run longer than HttpClient's default 100 s timeout allows for
/// a request: give large uploads a client with a longer <see cref="HttpClient.Timeout"/>.
/// </summary>
public sealed class RegistryClient : ICatalogLister
{
    private readonly RegistryHttp _http;

    public RegistryClient(HttpClient httpClient, RegistryClientOptions options)
    {
        _http = new RegistryHttp(httpClient, options);
    }

    /// <summary>The registry's base address, with a trailing slash.</summary>
    public Uri Registry => _http.Base;

    public RegistryClientOptions Options => _http.Options;

    /// <summary><c>GET /v2/</c>: returns when the registry implements the API; throws its error otherwise (e.g. UNAUTHORIZED).</summary>
    public async Task PingAsync(CancellationToken ct = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, _http.V2(""));
        using var response = await _http.SendExpectingAsync(request, HttpCompletionOption.ResponseContentRead,
            [HttpStatusCode.OK], ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Checks the client's credentials as <c>docker login</c> does: <c>GET /v2/</c>, answering the registry's challenge
    /// (Basic, or a token fetched with the credentials and <c>offline_token=true</c>). Throws the registry's error
    /// (UNAUTHORIZED) when they are refused. Returns what to store: with a refresh token from the token endpoint, the
    /// user and that identity token instead of the password; a registry that asked for nothing leaves
    /// <see cref="RegistryLogin.Checked"/> false.
    /// </summary>
    public async Task<RegistryLogin> LoginAsync(CancellationToken ct = default)
    {
        var credential = await _http.Auth.CredentialAsync(ct).ConfigureAwait(false)
            ?? throw new InvalidOperationException("a login needs credentials: set RegistryClientOptions.Username and Password");
        _http.Auth.OfflineToken = true;
        await PingAsync(ct).ConfigureAwait(false);
        var store = _http.Auth.RefreshToken is { } refresh ? credential with { Password = null, IdentityToken = refresh } : credential;
        return new RegistryLogin(store, _http.Auth.Challenged);
    }

    /// <summary>A client for one repository; the name must match the spec's grammar (<see cref="RepositoryName"/>).</summary>
    public RepositoryClient Repository(string name)
    {
        if (!RepositoryName.IsValid(name))
            throw new ArgumentException($"'{name}' is not a valid repository name", nameof(name));
        return new RepositoryClient(_http, name);
    }

    public IAsyncEnumerable<string> ListRepositoriesAsync(int? pageSize = null, string? last = null, CancellationToken ct = default) =>
        PagedList.ReadAsync(_http, PagedList.FirstPage(_http.V2("_catalog"), pageSize, last), "repositories", ct);
}
