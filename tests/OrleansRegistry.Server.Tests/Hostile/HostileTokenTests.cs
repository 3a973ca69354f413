using System.Net;
using System.Net.Http.Headers;
using System.Text;
using OrleansRegistry.Server.Tests.Infrastructure;
using OrleansRegistry.Server.Tests.Security;
using OrleansRegistry.TestSupport.Security;

namespace OrleansRegistry.Server.Tests.Hostile;

/// <summary>
/// Hostile credentials against a registry with authentication on (what Security/ForgedTokenTests does
/// not cover: those are tokens that must fail validation). Here the tokens are validly signed by the server's own key but
/// aimed elsewhere or malformed inside, or the credentials are oversized. Each gets the spec's answer (the token spec's
/// 401 with insufficient_scope, 403 DENIED, 401 UNAUTHORIZED, or Kestrel's 431 for headers over the limit), never a
/// 500, and the registry's state (catalog, tags, every file of the data directory) is left exactly as it was.
/// </summary>
[Collection(RulesRegistryCollection.Name)]
public sealed class HostileTokenTests(RulesRegistryFixture fixture)
{
    private const string Issuer = "orleans-registry";
    private const int OverHeaderLimit = 100 * 1024; // Limits:MaxRequestHeadersTotalSize is 32 KiB

    /// <summary>Two repositories bob's rules grant everything on (team-a/**); the tests aim A's credentials at B.</summary>
    private async Task<(string A, string B, string ManifestDigest, string Layer)> RepositoriesAsync()
    {
        using var bob = fixture.ClientFor("bob"); // Basic: his group's rule grants him everything on team-a/**
        var (a, b) = (TestImages.UniqueRepo("team-a"), TestImages.UniqueRepo("team-a"));
        await TestImages.PushImageAsync(bob, a, "v1", seed: 7101);
        var (config, layers) = await TestImages.PushImageBlobsAsync(bob, b, seed: 7102);
        var digest = await TestImages.PushManifestAsync(bob, b, "v1", TestImages.ImageManifest(config, layers));
        return (a, b, digest, TestImages.Digest(layers[0]));
    }

    /// <summary>Each request B's content could be read, changed or removed by, with the 401/403 the caller must get.</summary>
    private static IEnumerable<HttpRequestMessage> RequestsOn(string repository, string manifestDigest, string layer)
    {
        yield return new(HttpMethod.Get, $"v2/{repository}/manifests/v1");
        yield return new(HttpMethod.Head, $"v2/{repository}/blobs/{layer}");
        yield return new(HttpMethod.Get, $"v2/{repository}/tags/list");
        yield return new(HttpMethod.Put, $"v2/{repository}/manifests/hijacked")
        {
            Content = new ByteArrayContent(TestImages.ImageManifest(TestImages.EmptyJson(), []))
            {
                Headers = { ContentType = new MediaTypeHeaderValue("application/vnd.oci.image.manifest.v1+json") },
            },
        };
        yield return new(HttpMethod.Post, $"v2/{repository}/blobs/uploads/");
        yield return new(HttpMethod.Delete, $"v2/{repository}/manifests/{manifestDigest}");
        yield return new(HttpMethod.Delete, $"v2/{repository}/blobs/{layer}");
    }

    private async Task<RegistryState> CaptureAsync(params string[] repositories)
    {
        using var alice = fixture.ClientFor("alice"); // pulls everything (team-a/** for any user, ** for admins): the whole catalog
        return await RegistryState.CaptureAsync(alice, fixture.DataDirectory, repositories);
    }

    private async Task AssertUnchangedAsync(RegistryState before, params string[] repositories)
    {
        using var alice = fixture.ClientFor("alice");
        await RegistryState.AssertUnchangedAsync(alice, fixture.DataDirectory, before, repositories);
    }

    /// <summary>The 401 that sends a client of ours back to /token: insufficient_scope naming the scope the request needs.</summary>
    private static async Task AssertInsufficientScopeAsync(HttpResponseMessage response, string repository)
    {
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var challenge = response.Headers.WwwAuthenticate.ToString();
        Assert.Contains("error=\"insufficient_scope\"", challenge);
        Assert.Contains($"scope=\"repository:{repository}:", challenge);
        if (response.RequestMessage?.Method != HttpMethod.Head) Assert.Equal(["UNAUTHORIZED"], await TestImages.ErrorCodesAsync(response));
    }

    [Fact] // token spec: the access claim lists resources by name; a token for A is no token for B
    public async Task A_token_for_one_repository_does_nothing_on_another()
    {
        var (a, b, manifest, layer) = await RepositoriesAsync();
        var before = await CaptureAsync(a, b);

        // bob: the rules would grant B, so his token for A is merely insufficient (401, get a better token).
        using var bob = fixture.BearerClient(await fixture.TokenAsync("bob", $"repository:{a}:pull,push,delete"));
        foreach (var request in RequestsOn(b, manifest, layer))
        {
            using (request)
            using (var response = await bob.SendAsync(request))
                await AssertInsufficientScopeAsync(response, b);
        }
        // carol: the rules give her pull only on team-a/**, so her A token on B's writes is 403 DENIED.
        using var carol = fixture.BearerClient(await fixture.TokenAsync("carol", $"repository:{a}:pull,push,delete"));
        foreach (var request in RequestsOn(b, manifest, layer).Skip(3))
        {
            using (request)
            using (var response = await carol.SendAsync(request))
            {
                Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
                Assert.Equal(["DENIED"], await TestImages.ErrorCodesAsync(response));
            }
        }
        // The control: the same token does work on A.
        using (var onA = await bob.GetAsync($"v2/{a}/manifests/v1")) Assert.Equal(HttpStatusCode.OK, onA.StatusCode);
        await AssertUnchangedAsync(before, a, b);
    }

    /// <summary>access claims that must grant nothing on B: wrong JSON types, unknown types and classes, traversal in names.</summary>
    public static TheoryData<string> MalformedAccess => new()
    {
        "\"repository:{b}:pull,push,delete\"",                                                   // a string, not a list
        "{\"type\":\"repository\",\"name\":\"{b}\",\"actions\":[\"pull\",\"push\",\"delete\"]}", // one object, not a list
        "[1, null, true, [\"{b}\"], \"{b}\"]",                                                    // entries of the wrong types
        "[{\"type\":7,\"name\":\"{b}\",\"actions\":[\"*\"]}]",
        "[{\"type\":\"repository\",\"name\":[\"{b}\"],\"actions\":[\"*\"]}]",
        "[{\"type\":\"repository\",\"name\":\"{b}\",\"actions\":\"pull,push,delete\"}]",         // actions as one string
        "[{\"type\":\"repository\",\"name\":\"{b}\",\"actions\":[1,{\"pull\":true},[\"push\"]]}]",
        "[{\"type\":\"Repository\",\"name\":\"{b}\",\"actions\":[\"*\"]}]",                      // unknown types
        "[{\"type\":\"repository(plugin)\",\"name\":\"{b}\",\"actions\":[\"*\"]}]",
        "[{\"type\":\"repository\",\"class\":\"plugin\",\"name\":\"{b}\",\"actions\":[\"*\"]}]",  // another resource class
        "[{\"type\":\"repository\",\"class\":1,\"name\":\"{b}\",\"actions\":[\"*\"]}]",
        "[{\"type\":\"registry\",\"name\":\"{b}\",\"actions\":[\"*\"]}]",
        "[{\"type\":\"repository\",\"name\":\"{a}/../{b}\",\"actions\":[\"*\"]}]",                // traversal in names
        "[{\"type\":\"repository\",\"name\":\"{a}/%2e%2e/{b}\",\"actions\":[\"*\"]}]",
        "[{\"type\":\"repository\",\"name\":\"{b}\\u0000\",\"actions\":[\"*\"]}]",
        "[{\"type\":\"repository\",\"name\":\"{b}/\",\"actions\":[\"*\"]}]",
        "[{\"type\":\"repository\",\"name\":\"team-a\\\\..\\\\{b}\",\"actions\":[\"*\"]}]",
        "[{\"type\":\"repository\",\"name\":\"{b}\",\"actions\":[\"pull,push,delete\"]}]",      // one action holding commas
        "[{\"type\":\"repository\",\"name\":\"{b}\",\"actions\":[\"PULL\",\"\",\" pull\"]}]",
        "[{\"type\":\"repository:{b}\",\"name\":\"x\",\"actions\":[\"*\"]}]",                   // a type carrying the name
        "{deep}",                                                                                  // nested 60 deep
        "{huge}",                                                                                  // 200 entries, none for B
    };

    [Theory]
    [MemberData(nameof(MalformedAccess))]
    public async Task A_signed_token_with_a_malformed_access_claim_grants_nothing(string access)
    {
        var (a, b, manifest, layer) = await RepositoriesAsync();
        var before = await CaptureAsync(a, b);
        var json = access switch
        {
            "{deep}" => new string('[', 60) + $"\"{b}\"" + new string(']', 60),
            "{huge}" => "[" + string.Join(",", Enumerable.Range(0, 200).Select(i =>
                $"{{\"type\":\"repository\",\"name\":\"team-a/other{i}\",\"actions\":[\"pull\",\"push\",\"delete\"]}}")) + "]",
            _ => access.Replace("{a}", a).Replace("{b}", b),
        };
        var claims = TokenForge.Claims(Issuer, Issuer, "bob");
        claims["access"] = System.Text.Json.JsonDocument.Parse(json).RootElement.Clone();
        using var key = fixture.ServerKey();
        using var client = fixture.BearerClient(TokenForge.Create(Header(), claims, key));

        foreach (var request in RequestsOn(b, manifest, layer))
        {
            using (request)
            using (var response = await client.SendAsync(request))
                await AssertInsufficientScopeAsync(response, b);
        }
        await AssertUnchangedAsync(before, a, b);
    }

    [Fact] // a validly signed token may carry a large header or many claims; it is read like any other, up to the header limit
    public async Task Tokens_with_a_huge_header_or_thousands_of_claims_are_read_as_tokens_up_to_the_header_limit()
    {
        var (a, b, manifest, layer) = await RepositoriesAsync();
        var before = await CaptureAsync(a, b);
        using var key = fixture.ServerKey();

        var bigHeader = Header();
        bigHeader["x-padding"] = new string('h', 12 * 1024);
        var manyClaims = TokenForge.Claims(Issuer, Issuer, "bob", null, (b, ["pull"]));
        for (var i = 0; i < 2000; i++) manyClaims[$"c{i}"] = 0;
        foreach (var token in new[]
                 {
                     TokenForge.Create(bigHeader, TokenForge.Claims(Issuer, Issuer, "bob", null, (b, ["pull"])), key),
                     TokenForge.Create(Header(), manyClaims, key),
                 })
        {
            using var client = fixture.BearerClient(token);
            using (var pull = await client.GetAsync($"v2/{b}/manifests/v1")) Assert.Equal(HttpStatusCode.OK, pull.StatusCode);
            using (var delete = await client.DeleteAsync($"v2/{b}/manifests/{manifest}")) await AssertInsufficientScopeAsync(delete, b);
        }

        // Beyond the header limit: Kestrel's 431 before any parsing, and the server serves on.
        var hugeHeader = Header();
        hugeHeader["x-padding"] = new string('h', OverHeaderLimit);
        var thousandsOfClaims = TokenForge.Claims(Issuer, Issuer, "bob", null, (b, ["pull", "push", "delete"]));
        for (var i = 0; i < 10_000; i++) thousandsOfClaims[$"c{i}"] = i;
        foreach (var token in new[]
                 {
                     TokenForge.Create(hugeHeader, TokenForge.Claims(Issuer, Issuer, "bob", null, (b, ["pull", "push", "delete"])), key),
                     TokenForge.Create(Header(), thousandsOfClaims, key),
                 })
        {
            using var client = fixture.BearerClient(token);
            using var delete = await client.DeleteAsync($"v2/{b}/manifests/{manifest}");
            Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, delete.StatusCode);
        }
        await AssertServesOnAsync();
        await AssertUnchangedAsync(before, a, b);
    }

    [Fact] // a password of any length is compared, not trusted: 401 within the header limit, 431 beyond it
    public async Task Oversized_basic_passwords_and_bearer_tokens_are_401_or_431_never_500()
    {
        var (a, b, manifest, _) = await RepositoriesAsync();
        var before = await CaptureAsync(a, b);
        var cases = new (AuthenticationHeaderValue Authorization, HttpStatusCode Status)[]
        {
            // bob's real password, then more: bcrypt reads only 72 octets, the comparison must still see all of it.
            (SecuredRegistryFixture.Basic("bob", fixture.Users["bob"] + new string('x', 16 * 1024)), HttpStatusCode.Unauthorized),
            (SecuredRegistryFixture.Basic("bob", new string('p', 100 * 1024)), HttpStatusCode.RequestHeaderFieldsTooLarge),
            (SecuredRegistryFixture.Basic("bob", fixture.Users["bob"] + ":" + new string(':', 100 * 1024)), HttpStatusCode.RequestHeaderFieldsTooLarge),
            (new AuthenticationHeaderValue("Bearer", Junk(16 * 1024)), HttpStatusCode.Unauthorized),
            (new AuthenticationHeaderValue("Bearer", Junk(64 * 1024)), HttpStatusCode.RequestHeaderFieldsTooLarge),
            (new AuthenticationHeaderValue("Bearer", string.Join('.', Junk(20 * 1024), Junk(10), Junk(10))), HttpStatusCode.Unauthorized),
        };
        foreach (var (authorization, status) in cases)
        {
            using var client = fixture.ClientWith(authorization);
            using var response = await client.DeleteAsync($"v2/{b}/manifests/{manifest}");
            Assert.Equal(status, response.StatusCode);
            if (status == HttpStatusCode.Unauthorized)
            {
                Assert.Equal(["UNAUTHORIZED"], await TestImages.ErrorCodesAsync(response));
                Assert.DoesNotContain("insufficient_scope", response.Headers.WwwAuthenticate.ToString());
            }
        }
        await AssertServesOnAsync();
        await AssertUnchangedAsync(before, a, b);
    }

    /// <summary>base64url text of <paramref name="length"/> characters: a bearer token's alphabet, but no JWT.</summary>
    private static string Junk(int length) =>
        Convert.ToBase64String(TestImages.RandomBytes(length, length)).Replace('+', '-').Replace('/', '_').TrimEnd('=')[..length];

    private async Task AssertServesOnAsync()
    {
        using var bob = fixture.ClientFor("bob");
        using var response = await bob.GetAsync("v2/");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static Dictionary<string, object> Header() => new() { ["typ"] = "JWT", ["alg"] = "ES256" };
}
