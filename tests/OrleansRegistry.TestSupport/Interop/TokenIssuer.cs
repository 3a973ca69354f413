using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using OrleansRegistry.TestSupport.Network;

namespace OrleansRegistry.TestSupport.Interop;

/// <summary>
/// One request to the token endpoint, as the issuer saw and answered it. <paramref name="Grant"/>: <c>basic</c> for a
/// <c>GET</c> (Basic credentials or none), else the OAuth2 <c>grant_type</c> of a <c>POST</c>.
/// </summary>
public sealed record TokenRequest(string? Service, IReadOnlyList<string> Scopes, string? User, bool Authenticated,
    HttpStatusCode Status, IReadOnlyList<TokenAccess> Granted, string Grant = TokenRequest.BasicGrant)
{
    public const string BasicGrant = "basic";
}

/// <summary>One entry of a token's <c>access</c> claim: what the token lets its bearer do to one resource.</summary>
public sealed record TokenAccess(string Type, string Name, IReadOnlyList<string> Actions)
{
    /// <summary><c>type:name:a,b</c> (the actions in the order given); null when the text is not a scope.</summary>
    public static TokenAccess? ParseScope(string scope)
    {
        // The name may itself hold a colon (host:port/...), the type and the actions cannot.
        var first = scope.IndexOf(':');
        var last = scope.LastIndexOf(':');
        if (first <= 0 || last <= first + 1)
            return null;
        var actions = scope[(last + 1)..].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return new TokenAccess(scope[..first], scope[(first + 1)..last], actions);
    }

    public bool Allows(string action) => Actions.Contains(action) || Actions.Contains("*");
}

/// <summary>
/// A Docker token endpoint on loopback (<c>GET /token/?service=S&amp;scope=...&amp;scope=...</c>, Basic credentials
/// optional), minting ES256 JWTs with the shape CNCF distribution 2.8.2's <c>registry/auth/token</c> verifies: header
/// <c>x5c</c> holding a self-signed certificate that <see cref="RootCertificatePem"/> makes the root of trust, claims
/// <c>iss</c>, <c>aud</c> as a string (2.8.2's ClaimSet has <c>Audience string</c>: an array fails to unmarshal and the
/// token is "malformed"), <c>exp</c>/<c>nbf</c>/<c>iat</c>, <c>jti</c> and <c>access</c>.
/// Policy: <see cref="User"/> with <see cref="Password"/> gets every action asked for; a request without credentials
/// gets only <c>pull</c> on repositories (no push, no delete, no catalog); any other credentials get 401.
/// Refresh tokens as the token spec has them: <c>GET ...&amp;offline_token=true</c> with the user's credentials adds a
/// <c>refresh_token</c> to the answer, and <c>POST</c> (OAuth2 form: <c>grant_type=refresh_token</c> with one, or
/// <c>grant_type=password</c>) answers with an <c>access_token</c> for the user it belongs to.
/// Every request is recorded in <see cref="Requests"/>.
/// </summary>
public sealed class TokenIssuer : IAsyncDisposable
{
    public const int LifetimeSeconds = 300;

    private readonly HttpListener _listener;
    private readonly ECDsa _key;
    private readonly X509Certificate2 _certificate;
    private readonly string _header;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly List<TokenRequest> _requests = [];
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> _refreshTokens = new(StringComparer.Ordinal);

    public TokenIssuer(string issuer, string service, string user, string password, string host = "127.0.0.1")
    {
        Host = host;
        IssuerName = issuer;
        Service = service;
        User = user;
        Password = password;
        _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        _certificate = SelfSigned(_key);
        // Compact JSON in the spec's order; x5c is standard base64 DER (not base64url), as Go's x509 parsing expects.
        _header = Base64Url(JsonSerializer.SerializeToUtf8Bytes(new { typ = "JWT", alg = "ES256", x5c = new[] { Convert.ToBase64String(_certificate.RawData) } }));
        (_listener, Port) = Listen(host);
        _loop = Task.Run(AcceptLoopAsync);
    }

    public string IssuerName { get; }

    public string Service { get; }

    public string User { get; }

    public string Password { get; }

    public int Port { get; }

    /// <summary>The loopback address it listens on.</summary>
    public string Host { get; }

    /// <summary>The realm to configure in the registry: <c>http://HOST:PORT/token/</c>.</summary>
    public Uri Realm => new($"http://{Host}:{Port}/token/");

    /// <summary>The signing certificate as PEM, for distribution's <c>rootcertbundle</c>.</summary>
    public string RootCertificatePem => _certificate.ExportCertificatePem();

    /// <summary>A snapshot of every request so far, in arrival order.</summary>
    public IReadOnlyList<TokenRequest> Requests { get { lock (_requests) return _requests.ToArray(); } }

    /// <summary>The requests so far naming <paramref name="repository"/> in a scope.</summary>
    public IReadOnlyList<TokenRequest> RequestsFor(string repository) =>
        Requests.Where(r => r.Scopes.Any(s => TokenAccess.ParseScope(s)?.Name == repository)).ToList();

    private static X509Certificate2 SelfSigned(ECDsa key)
    {
        var request = new CertificateRequest("CN=oreg test token issuer", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyCertSign, true));
        // A positive serial: newer Go x509 refuses negative ones.
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] = (byte)((serial[0] & 0x7F) | 0x01);
        var now = DateTimeOffset.UtcNow;
        return request.Create(request.SubjectName, X509SignatureGenerator.CreateForECDsa(key), now.AddHours(-1), now.AddDays(1), serial);
    }

    /// <summary>A listener on a picked loopback port (HttpListener cannot bind port 0), picked again when it is taken.</summary>
    private static (HttpListener, int) Listen(string host) =>
        BindRetry.StartAsync("token issuer", _ => Task.FromResult(TryListen(host))).GetAwaiter().GetResult();

    private static (HttpListener, int) TryListen(string host)
    {
        var port = LoopbackPorts.Candidate();
        var listener = new HttpListener();
        listener.Prefixes.Add($"http://{host}:{port}/token/");
        try
        {
            listener.Start();
            return (listener, port);
        }
        catch (HttpListenerException e) when (e.ErrorCode == (int)SocketError.AddressAlreadyInUse || PortInUseException.IsReportedIn(e.Message))
        {
            listener.Close();
            throw new PortInUseException($"token issuer: {host}:{port}: {e.Message}", e);
        }
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return; // stopped
            }
            // Answered inline: a token is a few hundred bytes and a signature, nothing that could hold the loop up.
            try
            {
                Answer(context);
            }
            catch (Exception)
            {
                // The client went away (or a bug here): drop this connection, keep serving the next request.
                context.Response.Abort();
            }
        }
    }

    private void Answer(HttpListenerContext context)
    {
        if (context.Request.HttpMethod == "POST")
        {
            AnswerOAuth(context);
            return;
        }
        var query = context.Request.QueryString;
        var service = query["service"];
        var scopes = query.GetValues("scope")?.SelectMany(s => s.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToArray() ?? [];
        var (user, authenticated, refused) = Credentials(context.Request.Headers["Authorization"]);

        if (context.Request.HttpMethod != "GET" || refused || service != Service)
        {
            var status = context.Request.HttpMethod != "GET" ? HttpStatusCode.MethodNotAllowed
                : refused ? HttpStatusCode.Unauthorized
                : HttpStatusCode.BadRequest;
            Refuse(context, new TokenRequest(service, scopes, user, false, status, []));
            return;
        }
        Grant(context, new TokenRequest(service, scopes, user, authenticated, HttpStatusCode.OK, []),
            offline: authenticated && query["offline_token"] == "true");
    }

    /// <summary>The OAuth2 form: <c>grant_type=refresh_token</c> (a token this issuer gave out) or <c>password</c>.</summary>
    private void AnswerOAuth(HttpListenerContext context)
    {
        string body;
        using (var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8))
            body = reader.ReadToEnd();
        var form = System.Web.HttpUtility.ParseQueryString(body);
        var grant = form["grant_type"] ?? "";
        var service = form["service"];
        // docker sends the scopes space-separated in one field, containers/image one field per scope.
        var scopes = form.GetValues("scope")?.SelectMany(s => s.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToArray() ?? [];
        string? user = grant switch
        {
            "refresh_token" when form["refresh_token"] is { } token && _refreshTokens.TryGetValue(token, out var owner) => owner,
            "password" when form["username"] == User && form["password"] == Password => User,
            _ => null,
        };
        var request = new TokenRequest(service, scopes, user, user is not null, HttpStatusCode.OK, [], grant);
        if (user is null || service != Service)
        {
            Refuse(context, request with { Status = user is null ? HttpStatusCode.Unauthorized : HttpStatusCode.BadRequest });
            return;
        }
        Grant(context, request, offline: grant == "password" && form["access_type"] == "offline");
    }

    /// <summary>Mints the token for <paramref name="request"/> (the grant follows the policy), records it and answers.</summary>
    private void Grant(HttpListenerContext context, TokenRequest request, bool offline)
    {
        var granted = request.Scopes.Select(TokenAccess.ParseScope).OfType<TokenAccess>()
            .Select(asked => request.Authenticated
                ? asked
                : asked with { Actions = asked.Type == "repository" && asked.Actions.Contains("pull") ? ["pull"] : [] })
            .Where(a => a.Actions.Count > 0)
            .ToArray();
        var now = DateTimeOffset.UtcNow;
        var token = Mint(request.User ?? "", granted, now);
        Record(request with { Granted = granted });
        var answer = new Dictionary<string, object>
        {
            ["token"] = token,
            ["access_token"] = token,
            ["expires_in"] = LifetimeSeconds,
            ["issued_at"] = now.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture),
        };
        if (offline)
        {
            var refresh = Base64Url(RandomNumberGenerator.GetBytes(24));
            _refreshTokens[refresh] = request.User!;
            answer["refresh_token"] = refresh;
        }
        Write(context, HttpStatusCode.OK, answer);
    }

    private void Refuse(HttpListenerContext context, TokenRequest request)
    {
        Record(request);
        if (request.Status == HttpStatusCode.Unauthorized)
            context.Response.AddHeader("WWW-Authenticate", "Basic realm=\"oreg-test-token\"");
        Write(context, request.Status, new { errors = new[] { new { code = request.Status == HttpStatusCode.Unauthorized ? "UNAUTHORIZED" : "DENIED", message = "token request refused" } } });
    }

    /// <summary>(user, authenticated, refused): no header is anonymous; Basic with the known pair is the user; anything else is refused.</summary>
    private (string? User, bool Authenticated, bool Refused) Credentials(string? authorization)
    {
        if (string.IsNullOrEmpty(authorization))
            return (null, false, false);
        if (!authorization.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
            return (null, false, true);
        string pair;
        try
        {
            pair = Encoding.UTF8.GetString(Convert.FromBase64String(authorization["Basic ".Length..].Trim()));
        }
        catch (FormatException)
        {
            return (null, false, true);
        }
        var colon = pair.IndexOf(':');
        var user = colon < 0 ? pair : pair[..colon];
        var password = colon < 0 ? "" : pair[(colon + 1)..];
        var ok = user == User && password == Password;
        return (user, ok, !ok);
    }

    private string Mint(string subject, IReadOnlyList<TokenAccess> access, DateTimeOffset now)
    {
        var claims = new Dictionary<string, object>
        {
            ["iss"] = IssuerName,
            ["sub"] = subject,
            ["aud"] = Service, // a string: distribution 2.8.2 cannot read an array here
            ["exp"] = now.AddSeconds(LifetimeSeconds).ToUnixTimeSeconds(),
            ["nbf"] = now.ToUnixTimeSeconds(),
            ["iat"] = now.ToUnixTimeSeconds(),
            ["jti"] = Guid.NewGuid().ToString("N"),
            ["access"] = access.Select(a => new { type = a.Type, name = a.Name, actions = a.Actions }).ToArray(),
        };
        var signed = _header + "." + Base64Url(JsonSerializer.SerializeToUtf8Bytes(claims));
        // .NET signs ECDSA in IEEE P1363 form (r||s, 64 bytes for P-256), which is what JWS ES256 and libtrust want.
        var signature = _key.SignData(Encoding.ASCII.GetBytes(signed), HashAlgorithmName.SHA256);
        return signed + "." + Base64Url(signature);
    }

    private void Record(TokenRequest request)
    {
        lock (_requests) _requests.Add(request);
    }

    private static void Write(HttpListenerContext context, HttpStatusCode status, object body)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(body);
        context.Response.StatusCode = (int)status;
        context.Response.ContentType = "application/json";
        context.Response.ContentLength64 = bytes.Length;
        context.Response.OutputStream.Write(bytes);
        context.Response.Close();
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Close(); // fails the pending GetContextAsync, which ends the loop
        try
        {
            await _loop.WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // The loop is stuck on a socket the listener no longer owns; nothing more to wait for.
        }
        _stop.Dispose();
        _certificate.Dispose();
        _key.Dispose();
    }
}
