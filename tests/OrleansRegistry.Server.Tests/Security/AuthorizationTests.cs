using System.Net;
using OrleansRegistry.Server.Tests.Infrastructure;

namespace OrleansRegistry.Server.Tests.Security;

/// <summary>
/// Authorisation by the rules of <see cref="RulesRegistryFixture"/> (first match wins), answered as the distribution
/// spec's error codes say: 401 UNAUTHORIZED without valid credentials, 403 DENIED when they do not allow the action,
/// and, for a token of ours that merely lacks the scope, 401 with <c>error="insufficient_scope"</c> (RFC 6750 section 3.1).
/// </summary>
[Collection(RulesRegistryCollection.Name)]
public sealed class AuthorizationTests(RulesRegistryFixture fixture)
{
    private static byte[] Blob(int seed) => TestImages.RandomBytes(64, seed);

    [Fact]
    public async Task Anonymous_callers_pull_public_repositories_through_an_anonymous_rule_but_cannot_push()
    {
        var repo = TestImages.UniqueRepo("public");
        using var alice = fixture.ClientFor("alice");
        var digest = await TestImages.PushBlobAsync(alice, repo, Blob(1));

        using var anonymous = fixture.ClientFor(null);
        using var head = await anonymous.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"v2/{repo}/blobs/{digest}"));
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        using var push = await anonymous.PostAsync($"v2/{repo}/blobs/uploads/", new ByteArrayContent([]));
        Assert.Equal(HttpStatusCode.Unauthorized, push.StatusCode);
        // With the anonymous token the flow hands out, too.
        using var tokenClient = fixture.BearerClient(await fixture.TokenAsync(null, $"repository:{repo}:pull"));
        using var get = await tokenClient.GetAsync($"v2/{repo}/blobs/{digest}");
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
    }

    [Fact]
    public async Task Valid_credentials_without_the_right_are_403_denied()
    {
        using var carol = fixture.ClientFor("carol");
        var repo = TestImages.UniqueRepo("team-a");
        using var push = await carol.PostAsync($"v2/{repo}/blobs/uploads/", new ByteArrayContent([]));
        Assert.Equal(HttpStatusCode.Forbidden, push.StatusCode);
        Assert.Equal(["DENIED"], await TestImages.ErrorCodesAsync(push));
        using var secret = await carol.GetAsync($"v2/{TestImages.UniqueRepo("other")}/tags/list");
        Assert.Equal(HttpStatusCode.Forbidden, secret.StatusCode);
        // carol may pull team-a (the second rule), so a read there reaches the endpoint.
        using var read = await carol.GetAsync($"v2/{repo}/manifests/latest");
        Assert.Equal(HttpStatusCode.NotFound, read.StatusCode);
    }

    [Fact] // first match wins: rule "first/* users * pull" comes before "first/* bob *", so bob cannot push there
    public async Task The_first_matching_rule_decides_and_later_rules_are_not_consulted()
    {
        using var bob = fixture.ClientFor("bob");
        using var push = await bob.PostAsync("v2/first/x/blobs/uploads/", new ByteArrayContent([]));
        Assert.Equal(HttpStatusCode.Forbidden, push.StatusCode);
        // alice is an admin ("**" for admins), but on team-a/** the earlier "users * pull" rule matches her first.
        using var alice = fixture.ClientFor("alice");
        using var alicePush = await alice.PostAsync($"v2/{TestImages.UniqueRepo("team-a")}/blobs/uploads/", new ByteArrayContent([]));
        Assert.Equal(HttpStatusCode.Forbidden, alicePush.StatusCode);
        using var adminPush = await alice.PostAsync($"v2/{TestImages.UniqueRepo("other")}/blobs/uploads/", new ByteArrayContent([]));
        Assert.Equal(HttpStatusCode.Accepted, adminPush.StatusCode);
    }

    [Fact] // "*" stays within one path component, "**" crosses them
    public async Task A_single_star_matches_one_path_component_only()
    {
        using var carol = fixture.ClientFor("carol");
        using var one = await carol.PostAsync("v2/x/open/blobs/uploads/", new ByteArrayContent([]));
        Assert.Equal(HttpStatusCode.Accepted, one.StatusCode);
        using var two = await carol.PostAsync("v2/x/y/open/blobs/uploads/", new ByteArrayContent([]));
        Assert.Equal(HttpStatusCode.Forbidden, two.StatusCode);
    }

    [Fact] // distribution: a token lacking a scope the user could have → 401 insufficient_scope, so the client asks again
    public async Task Our_token_lacking_a_grantable_scope_is_401_insufficient_scope_and_a_denied_one_is_403()
    {
        var repo = TestImages.UniqueRepo("team-a");
        using var bob = fixture.BearerClient(await fixture.TokenAsync("bob", $"repository:{repo}:pull"));
        using var push = await bob.PostAsync($"v2/{repo}/blobs/uploads/", new ByteArrayContent([]));
        Assert.Equal(HttpStatusCode.Unauthorized, push.StatusCode);
        Assert.Equal($"Bearer realm=\"http://{fixture.Registry.HostPort}/token\",service=\"orleans-registry\"," +
                     $"scope=\"repository:{repo}:pull,push\",error=\"insufficient_scope\"", push.Headers.WwwAuthenticate.ToString());

        using var carol = fixture.BearerClient(await fixture.TokenAsync("carol", $"repository:{repo}:pull,push"));
        using var denied = await carol.PostAsync($"v2/{repo}/blobs/uploads/", new ByteArrayContent([]));
        Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
    }

    [Fact] // end-11 with authorisation: pull on `from` or the mount falls back to a session (202), leaking nothing
    public async Task A_mount_without_pull_on_the_source_falls_back_to_an_upload_session()
    {
        var secret = TestImages.UniqueRepo("other");
        using var alice = fixture.ClientFor("alice");
        var digest = await TestImages.PushBlobAsync(alice, secret, Blob(7));

        using var bob = fixture.ClientFor("bob");
        var target = TestImages.UniqueRepo("team-a");
        using var fallback = await bob.PostAsync($"v2/{target}/blobs/uploads/?mount={digest}&from={secret}", new ByteArrayContent([]));
        Assert.Equal(HttpStatusCode.Accepted, fallback.StatusCode);
        using var notLinked = await bob.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"v2/{target}/blobs/{digest}"));
        Assert.Equal(HttpStatusCode.NotFound, notLinked.StatusCode);

        // alice may pull the source: the same mount links the blob.
        var own = TestImages.UniqueRepo("other");
        using var mounted = await alice.PostAsync($"v2/{own}/blobs/uploads/?mount={digest}&from={secret}", new ByteArrayContent([]));
        Assert.Equal(HttpStatusCode.Created, mounted.StatusCode);
    }

    [Fact] // an upload session may be used only by the identity that opened it
    public async Task Another_identity_cannot_use_an_upload_session_it_did_not_open()
    {
        using var bob = fixture.ClientFor("bob");
        using var carol = fixture.ClientFor("carol");
        var (location, _) = await TestImages.StartUploadAsync(bob, "x/open");
        var data = Blob(9);

        using var status = await carol.GetAsync(location);
        Assert.Equal(HttpStatusCode.NotFound, status.StatusCode);
        Assert.Equal(["BLOB_UPLOAD_UNKNOWN"], await TestImages.ErrorCodesAsync(status));
        using var patch = await carol.PatchAsync(location, new ByteArrayContent(data));
        Assert.Equal(HttpStatusCode.NotFound, patch.StatusCode);
        using var finish = await carol.PutAsync(TestImages.WithDigest(location, TestImages.Digest(data)), new ByteArrayContent(data));
        Assert.Equal(HttpStatusCode.NotFound, finish.StatusCode);
        using var cancel = await carol.DeleteAsync(location);
        Assert.Equal(HttpStatusCode.NotFound, cancel.StatusCode);

        // Untouched for its owner, who finishes it.
        using var owner = await bob.PutAsync(TestImages.WithDigest(location, TestImages.Digest(data)), new ByteArrayContent(data));
        Assert.Equal(HttpStatusCode.Created, owner.StatusCode);
    }
}
