using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using OrleansRegistry.Client.Credentials;

namespace OrleansRegistry.Client.Registry.Auth;

/// <summary>
/// Answers a registry's 401 challenges for <see cref="RegistryHttp"/>: <c>Basic</c> with the configured credentials,
/// <c>Bearer</c> by fetching a token for the challenged scope from the realm (with the credentials as Basic when
/// there are any, anonymously otherwise), then replays the request once. Tokens are cached per scope until
/// <c>expires_in</c>; once a registry is known to want Basic or Bearer, later requests carry the authorization from
/// the start (the scope worked out by <see cref="RequestScope"/>), so a streamed upload body, which cannot be sent
/// twice, goes out already authorised. Only requests to the registry's own origin get credentials or tokens, and a
/// realm gets the credentials only where <see cref="RealmPolicy"/> allows it.
/// </summary>
/// <remarks>
/// Credentials: <see cref="RegistryClientOptions.Username"/>/<see cref="RegistryClientOptions.Password"/>, else the
/// <see cref="RegistryClientOptions.CredentialStore"/> entry for the registry's address (under each of its
/// <see cref="RegistryKey.Spellings"/>), looked up once, when the registry first asks (an anonymous registry never
/// runs a credential helper). A stored identity token (an OAuth2 refresh
/// token) is exchanged at the realm by <c>POST grant_type=refresh_token</c> instead of sending a password; a stored
/// registry token answers Bearer challenges as it is.
/// </remarks>
internal sealed class RegistryAuthenticator
{
    private const int TokenBodyLimit = 1024 * 1024;

    /// <summary>The <c>client_id</c> of OAuth2 token requests (docker sends <c>docker</c>).</summary>
    public const string ClientId = "oreg";

    private readonly HttpClient _client;
    private readonly Uri _base;
    private readonly RegistryClientOptions _options;
    private readonly ConcurrentDictionary<string, BearerToken> _tokens = new(StringComparer.Ordinal);
    // The scope a request was predicted to need -> the scopes the registry actually challenged for (a registry that
    // wants other rights than distribution). Every request predicted the same scope then carries the challenged one,
    // so RequestScope must give requests that need different rights different scopes (DELETE, mount).
    private readonly ConcurrentDictionary<string, string> _aliases = new(StringComparer.Ordinal);
    private volatile AuthChallenge? _challenge;
    private volatile bool _probed;
    private readonly Lock _lookupLock = new();
    private Task<RegistryCredential?>? _stored;

    public RegistryAuthenticator(HttpClient client, Uri registryBase, RegistryClientOptions options)
    {
        _client = client;
        _base = registryBase;
        _options = options;
    }

    /// <summary>Token requests ask for a refresh token too (<c>offline_token=true</c>), which <see cref="RefreshToken"/> then holds: <c>login</c> stores it instead of the password.</summary>
    public bool OfflineToken { get; set; }

    /// <summary>Whether the registry has asked for credentials (a 401 challenge) so far.</summary>
    public bool Challenged => _challenge is not null;

    /// <summary>The last refresh token a token endpoint returned (null: none).</summary>
    public string? RefreshToken { get; private set; }

    /// <summary>The credentials for this registry: given ones, else the store's (looked up once); null for anonymous.</summary>
    public async Task<RegistryCredential?> CredentialAsync(CancellationToken ct)
    {
        if (_options.Username is { } username)
            return new RegistryCredential(username, _options.Password);
        if (_options.CredentialStore is not { } store)
            return null;
        // One lookup (a helper is a process to run) for all requests of the client, however many ask at once. Not the
        // caller's token: one cancelled caller must not leave a cancelled lookup behind for the others.
        Task<RegistryCredential?> lookup;
        lock (_lookupLock)
            lookup = _stored ??= store.GetAsync(_base, CancellationToken.None);
        return await lookup.WaitAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Sends <paramref name="request"/>, answering one 401 challenge when the body can be sent again.</summary>
    public async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, HttpCompletionOption completion, CancellationToken ct)
    {
        var uri = request.RequestUri;
        if (uri is null || !uri.IsAbsoluteUri || !RequestScope.SameOrigin(_base, uri))
            return await _client.SendAsync(request, completion, ct).ConfigureAwait(false);

        var scope = RequestScope.For(_base, request);
        var replayable = IsReplayable(request.Content);
        // Probing only asks how the registry authenticates: a store is consulted once it says it wants credentials.
        if (!replayable && _challenge is null && !_probed && (_options.Username is not null || _options.CredentialStore is not null))
            await ProbeAsync(ct).ConfigureAwait(false);
        if (request.Headers.Authorization is null && await AuthorizationForAsync(scope, ct).ConfigureAwait(false) is { } known)
            request.Headers.Authorization = known;

        var response = await _client.SendAsync(request, completion, ct).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.Unauthorized || AuthChallenge.From(response) is not { } challenge)
            return response;
        _challenge = challenge;
        if (!replayable)
            return response; // its body is gone; the 401 becomes UNAUTHORIZED like any other

        var credential = await CredentialAsync(ct).ConfigureAwait(false);
        AuthenticationHeaderValue? answer;
        if (challenge.IsBasic)
        {
            answer = Basic(credential);
        }
        else if (credential?.RegistryToken is { } registryToken)
        {
            answer = new AuthenticationHeaderValue("Bearer", registryToken);
        }
        else
        {
            var key = challenge.Scopes.Count > 0 ? RequestScope.Key(challenge.Scopes) : scope ?? "";
            _tokens.TryRemove(key, out _); // whatever we sent was refused
            if (scope is not null && scope != key)
                _aliases[scope] = key;
            answer = await FetchTokenAsync(challenge, key, credential, ct).ConfigureAwait(false);
        }
        var withheld = challenge.IsBearer
            ? RealmPolicy.WhyWithheld(_base, challenge.Realm, credential is not null, _options.TrustedRealmHosts)
            : null;
        if (answer is null || Equals(answer, request.Headers.Authorization))
            return Noted(response, withheld);

        var retry = Clone(request);
        retry.Headers.Authorization = answer;
        response.Dispose();
        // Not disposed here: the caller reads the response, whose RequestMessage is this clone; the content is shared
        // with the caller's request, which the caller disposes.
        return Noted(await _client.SendAsync(retry, completion, ct).ConfigureAwait(false), withheld);
    }

    /// <summary>Why the credentials were withheld, on a refused response, for the error it becomes (RegistryHttp.ErrorAsync).</summary>
    internal static readonly HttpRequestOptionsKey<string> CredentialsWithheld = new("OrleansRegistry.CredentialsWithheld");

    private static HttpResponseMessage Noted(HttpResponseMessage response, string? withheld)
    {
        if (withheld is not null && response.StatusCode == HttpStatusCode.Unauthorized)
            response.RequestMessage?.Options.Set(CredentialsWithheld, withheld);
        return response;
    }

    /// <summary>The authorization to send up front, once the registry told us which kind it wants.</summary>
    private async Task<AuthenticationHeaderValue?> AuthorizationForAsync(string? scope, CancellationToken ct)
    {
        var challenge = _challenge;
        if (challenge is null)
            return null;
        var credential = await CredentialAsync(ct).ConfigureAwait(false);
        if (challenge.IsBasic)
            return Basic(credential);
        if (credential?.RegistryToken is { } registryToken)
            return new AuthenticationHeaderValue("Bearer", registryToken);
        if (scope is null)
            return null;
        var key = _aliases.TryGetValue(scope, out var alias) ? alias : scope;
        if (_tokens.TryGetValue(key, out var cached) && cached.IsValid(DateTimeOffset.UtcNow))
            return Bearer(cached);
        return await FetchTokenAsync(challenge, key, credential, ct).ConfigureAwait(false);
    }

    /// <summary><c>GET /v2/</c> to learn how the registry authenticates before a body that can be sent only once.</summary>
    private async Task ProbeAsync(CancellationToken ct)
    {
        using var probe = new HttpRequestMessage(HttpMethod.Get, new Uri(_base, "v2/"));
        using var response = await _client.SendAsync(probe, ct).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.Unauthorized && AuthChallenge.From(response) is { } challenge)
            _challenge = challenge;
        _probed = true;
    }

    /// <summary>
    /// <c>GET realm?service=&amp;scope=</c> (one <c>scope</c> parameter per scope of <paramref name="key"/>),
    /// Basic-authenticated when there are credentials; with an identity token, the OAuth2 <c>refresh_token</c> grant by
    /// <c>POST</c> instead. Null when the endpoint refuses: the registry's own 401 then reaches the caller.
    /// </summary>
    private async Task<AuthenticationHeaderValue?> FetchTokenAsync(AuthChallenge challenge, string key,
        RegistryCredential? credential, CancellationToken ct)
    {
        if (!challenge.IsBearer || RealmPolicy.Usable(_base, challenge.Realm, _options.TrustedRealmHosts) is not { } realm)
            return null;
        // A realm the user's credentials may not go to still hands out anonymous tokens (public pulls work).
        if (!RealmPolicy.MayReceiveCredentials(_base, realm, _options.TrustedRealmHosts))
            credential = null;
        var scopes = key.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        using var request = credential?.IdentityToken is { } refreshToken
            ? RefreshGrant(challenge, realm, scopes, refreshToken)
            : BasicGet(challenge, realm, scopes, credential);
        using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
            return null;
        var body = await RegistryHttp.TryReadAtMostAsync(response.Content, TokenBodyLimit, ct).ConfigureAwait(false);
        BearerToken? token;
        try
        {
            token = body is null ? null : BearerToken.Parse(body, DateTimeOffset.UtcNow);
        }
        catch (System.Text.Json.JsonException)
        {
            token = null;
        }
        if (token is null)
            return null;
        if (token.RefreshToken is not null)
            RefreshToken = token.RefreshToken;
        _tokens[key] = token;
        return Bearer(token);
    }

    private HttpRequestMessage BasicGet(AuthChallenge challenge, Uri realm, string[] scopes, RegistryCredential? credential)
    {
        var uri = realm;
        if (challenge.Service is { } service)
            uri = RegistryHttp.WithQuery(uri, "service", service);
        foreach (var scope in scopes)
            uri = RegistryHttp.WithQuery(uri, "scope", scope);
        if (OfflineToken && credential?.Username is not null)
        {
            uri = RegistryHttp.WithQuery(uri, "offline_token", "true");
            uri = RegistryHttp.WithQuery(uri, "client_id", ClientId);
        }
        var request = new HttpRequestMessage(HttpMethod.Get, uri);
        if (Basic(credential) is { } basic)
            request.Headers.Authorization = basic;
        return request;
    }

    /// <summary>The token spec's OAuth2 form: <c>grant_type=refresh_token</c>, <c>scope</c> space-separated.</summary>
    private static HttpRequestMessage RefreshGrant(AuthChallenge challenge, Uri realm, string[] scopes, string refreshToken)
    {
        var form = new List<KeyValuePair<string, string>>
        {
            new("grant_type", "refresh_token"),
            new("refresh_token", refreshToken),
            new("client_id", ClientId),
        };
        if (challenge.Service is { } service)
            form.Add(new("service", service));
        if (scopes.Length > 0)
            form.Add(new("scope", string.Join(' ', scopes)));
        return new HttpRequestMessage(HttpMethod.Post, realm) { Content = new FormUrlEncodedContent(form) };
    }

    /// <summary>Basic for a credential with a user; an identity token alone has no password to send.</summary>
    private static AuthenticationHeaderValue? Basic(RegistryCredential? credential) =>
        credential?.Username is not { } username
            ? null
            : new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{username}:{credential.Password}")));

    private static AuthenticationHeaderValue Bearer(BearerToken token) => new("Bearer", token.Value);

    /// <summary>Bodies held in memory can be sent again; a streamed one (an upload chunk) cannot.</summary>
    public static bool IsReplayable(HttpContent? content) => content is null or ByteArrayContent or ReadOnlyMemoryContent;

    private static HttpRequestMessage Clone(HttpRequestMessage request)
    {
        var clone = new HttpRequestMessage(request.Method, request.RequestUri)
        {
            Content = request.Content,
            Version = request.Version,
            VersionPolicy = request.VersionPolicy,
        };
        foreach (var header in request.Headers)
            if (!header.Key.Equals("Authorization", StringComparison.OrdinalIgnoreCase))
                clone.Headers.TryAddWithoutValidation(header.Key, header.Value);
        foreach (var option in request.Options)
            ((IDictionary<string, object?>)clone.Options)[option.Key] = option.Value;
        return clone;
    }
}
