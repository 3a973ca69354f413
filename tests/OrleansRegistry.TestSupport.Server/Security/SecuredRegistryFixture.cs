using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using OrleansRegistry.TestSupport.Registry;

namespace OrleansRegistry.TestSupport.Security;

/// <summary>
/// A real registry with authentication on (<c>Registry__Auth__…</c> settings): an htpasswd file of <see cref="Users"/>
/// written by <c>htpasswd -B</c>, plus whatever groups and rules <see cref="Configure"/> adds. Clients for each user
/// (Basic), for anonymous, and tokens from the server's own <c>/token</c>.
/// </summary>
public class SecuredRegistryFixture : IAsyncLifetime
{
    private readonly RegistryFixture _registry;

    public SecuredRegistryFixture() : this(httpPort: null) { }

    /// <param name="httpPort">The HTTP port to serve on (null: any free one).</param>
    protected SecuredRegistryFixture(int? httpPort) => _registry = new RegistryFixture { HttpPort = httpPort };

    /// <summary>User → password of the htpasswd file.</summary>
    public virtual IReadOnlyDictionary<string, string> Users { get; } = new Dictionary<string, string>
    {
        ["alice"] = "alice-Pa55!",
        ["bob"] = "bob-Pa55:with:colons",
        ["carol"] = "carol-Pa55",
    };

    public RegistryProcess Registry => _registry.Registry;

    public string DataDirectory => _registry.DataDirectory;

    public string HtpasswdPath => Path.Combine(_registry.DataDirectory, "htpasswd");

    /// <summary>The key the server generated for its tokens (Token:SigningKey unset).</summary>
    public string SigningKeyPath => Path.Combine(_registry.DataDirectory, "auth", "token-signing.pem");

    /// <summary>Settings (environment variables) to add before the server starts.</summary>
    protected virtual void Configure(IDictionary<string, string> settings) { }

    /// <summary>Files to write before the server starts (trusted issuers' certificates…).</summary>
    protected virtual Task PrepareAsync() => Task.CompletedTask;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_registry.DataDirectory);
        await Htpasswd.WriteAsync(HtpasswdPath, Users.Select(u => (u.Key, u.Value)));
        await PrepareAsync();
        _registry.Settings["Registry__Auth__Htpasswd"] = HtpasswdPath;
        Configure(_registry.Settings);
        await _registry.InitializeAsync();
    }

    public Task DisposeAsync() => _registry.DisposeAsync();

    public static AuthenticationHeaderValue Basic(string user, string password) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));

    public AuthenticationHeaderValue BasicOf(string user) => Basic(user, Users[user]);

    /// <summary>A client that sends <paramref name="user"/>'s Basic credentials with every request (null: anonymous).</summary>
    public HttpClient ClientFor(string? user) => ClientWith(user is null ? null : BasicOf(user));

    public HttpClient ClientWith(AuthenticationHeaderValue? authorization)
    {
        var client = new HttpClient { BaseAddress = Registry.BaseAddress, Timeout = TimeSpan.FromMinutes(2) };
        client.DefaultRequestHeaders.Authorization = authorization;
        return client;
    }

    /// <summary>GET /token with <paramref name="user"/>'s Basic credentials (null: anonymous) and the scopes; asserts 200.</summary>
    public async Task<JsonElement> TokenResponseAsync(string? user, params string[] scopes)
    {
        using var client = ClientFor(user);
        var query = "token?service=orleans-registry" + string.Concat(scopes.Select(s => "&scope=" + Uri.EscapeDataString(s)));
        using var response = await client.GetAsync(query);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET /{query} gave {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    public async Task<string> TokenAsync(string? user, params string[] scopes) =>
        (await TokenResponseAsync(user, scopes)).GetProperty("token").GetString()!;

    public HttpClient BearerClient(string token) => ClientWith(new AuthenticationHeaderValue("Bearer", token));

    /// <summary>The server's own signing key, read from the data directory (to forge expired or mis-addressed tokens).</summary>
    public ECDsa ServerKey()
    {
        var key = ECDsa.Create();
        key.ImportFromPem(File.ReadAllText(SigningKeyPath));
        return key;
    }
}
