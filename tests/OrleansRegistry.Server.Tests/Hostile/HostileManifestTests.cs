using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using OrleansRegistry.Core;
using OrleansRegistry.Server.Tests.Infrastructure;
using OrleansRegistry.TestSupport.Network;

namespace OrleansRegistry.Server.Tests.Hostile;

/// <summary>
/// Hostile manifest bodies: invalid, huge and deeply nested JSON (code-6 MANIFEST_INVALID, 400; over the size limit 413
/// MANIFEST_TOO_LARGE), and manifests that try to reference themselves or form a cycle of indexes. A manifest's digest is
/// the digest of its bytes, and every child it names must already exist in the repository (else MANIFEST_BLOB_UNKNOWN):
/// naming itself needs a SHA-256 fixed point, and every new index only points at older content, so the graph stays acyclic.
/// </summary>
[Collection(RegistryCollection.Name)]
public sealed class HostileManifestTests(RegistryFixture fixture)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    private HttpClient Client => fixture.Client;

    public static TheoryData<string, string> InvalidJson => new()
    {
        { "truncated", """{"schemaVersion":2,"config":{""" },
        { "not an object", "null" },
        { "a string", "\"manifest\"" },
        { "trailing garbage", """{"schemaVersion":2,"config":{"mediaType":"a/b","digest":"sha256:0000000000000000000000000000000000000000000000000000000000000000","size":0},"layers":[]} x""" },
        { "duplicate keys", """{"schemaVersion":2,"layers":[],"layers":[],"config":{"mediaType":"a/b","digest":"sha256:0000000000000000000000000000000000000000000000000000000000000000","size":0}}""" },
        { "size beyond a long", """{"schemaVersion":2,"config":{"mediaType":"a/b","digest":"sha256:0000000000000000000000000000000000000000000000000000000000000000","size":1e400},"layers":[]}""" },
        { "negative size", """{"schemaVersion":2,"config":{"mediaType":"a/b","digest":"sha256:0000000000000000000000000000000000000000000000000000000000000000","size":-1},"layers":[]}""" },
        { "NaN version", """{"schemaVersion":NaN,"layers":[]}""" },
        { "digest traversal", """{"schemaVersion":2,"config":{"mediaType":"a/b","digest":"sha256:../../hostile-escape","size":0},"layers":[]}""" },
        { "digest with NUL", "{\"schemaVersion\":2,\"config\":{\"mediaType\":\"a/b\",\"digest\":\"sha256:\\u0000\",\"size\":0},\"layers\":[]}" },
        { "media type with CR LF", "{\"schemaVersion\":2,\"config\":{\"mediaType\":\"a/b\\r\\nX-Injected: 1\",\"digest\":\"sha256:0000000000000000000000000000000000000000000000000000000000000000\",\"size\":0},\"layers\":[]}" },
        { "lone surrogate escape", """{"schemaVersion":2,"annotations":{"\uD800":"x"},"config":{"mediaType":"a/b","digest":"sha256:0000000000000000000000000000000000000000000000000000000000000000","size":0},"layers":[]}""" },
        { "deeply nested arrays", "{\"schemaVersion\":2,\"x\":" + new string('[', 100_000) + new string(']', 100_000) + "}" },
        { "deeply nested objects", "{\"schemaVersion\":2,\"x\":" + string.Concat(Enumerable.Repeat("{\"a\":", 10_000)) + "1" + new string('}', 10_000) + "}" },
    };

    [Theory]
    [MemberData(nameof(InvalidJson))]
    public async Task Invalid_or_deeply_nested_json_is_MANIFEST_INVALID_and_stores_nothing(string what, string body)
    {
        var repo = TestImages.UniqueRepo("hostile-json");
        var before = await RegistryState.CaptureAsync(fixture, repo);

        using var response = await TestImages.PutManifestAsync(Client, repo, "v1", Encoding.UTF8.GetBytes(body));

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{what}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        Assert.Equal(["MANIFEST_INVALID"], await TestImages.ErrorCodesAsync(response));
        await RegistryState.AssertUnchangedAsync(fixture, before, repo);
    }

    [Fact]
    public async Task Invalid_utf8_is_MANIFEST_INVALID()
    {
        var repo = TestImages.UniqueRepo("hostile-utf8");
        var body = "{\"schemaVersion\":2,\"annotations\":{\"a\":\""u8.ToArray().Concat(new byte[] { 0xC3, 0x28, 0xFF }).Concat("\"}}"u8.ToArray()).ToArray();

        using var response = await TestImages.PutManifestAsync(Client, repo, "v1", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(["MANIFEST_INVALID"], await TestImages.ErrorCodesAsync(response));
    }

    [Theory] // spec: "Pushing Manifests": a registry SHOULD answer 413 above its limit; a limit well past 4 MiB is refused either way
    [InlineData(false)]
    [InlineData(true)] // chunked transfer: no Content-Length to refuse early, the server must stop reading itself
    public async Task Huge_manifest_is_413_MANIFEST_TOO_LARGE_and_stores_nothing(bool chunked)
    {
        var repo = TestImages.UniqueRepo("hostile-huge");
        var before = await RegistryState.CaptureAsync(fixture, repo);
        // Valid JSON all the way: a manifest with an enormous annotation.
        var body = Encoding.UTF8.GetBytes("{\"schemaVersion\":2,\"annotations\":{\"a\":\"" + new string('x', 64 * 1024 * 1024) + "\"}}");

        var response = await SendHugeAsync($"PUT /v2/{repo}/manifests/v1 HTTP/1.1", body, chunked);

        Assert.True(response.Status == 413, $"{response.Status} {response.BodyText}");
        Assert.True(ErrorResponse.TryParse(response.Body, out var errors), response.BodyText);
        Assert.Equal(["MANIFEST_TOO_LARGE"], errors!.Errors.Select(e => e.Code));
        await RegistryState.AssertUnchangedAsync(fixture, before, repo);
    }

    [Fact] // every child must exist (docs/architecture.md#consistency-rules): in the repository, else MANIFEST_BLOB_UNKNOWN and nothing changes
    public async Task Index_with_a_missing_child_is_MANIFEST_BLOB_UNKNOWN_and_stores_nothing()
    {
        var repo = TestImages.UniqueRepo("hostile-missing-child");
        var missing = TestImages.ImageManifest(TestImages.EmptyJson(), []);
        var index = TestImages.ImageIndex([(missing, TestImages.OciManifest)]);

        await AssertIndexRefusedAsync(repo, index);
    }

    [Fact]
    public async Task Index_naming_itself_cannot_exist_its_claimed_digest_is_not_its_own()
    {
        var repo = TestImages.UniqueRepo("hostile-self");
        await TestImages.PushImageAsync(Client, repo, "base", seed: 8101);
        var before = await RegistryState.CaptureAsync(fixture, repo);
        // The closest an index can get to naming itself: the digest of a draft of itself. Any edit that writes that digest in
        // changes the bytes, so the digest named is always another document's, one the repository does not hold.
        var draft = SelfIndex("sha256:" + new string('0', 64));
        var claimed = TestImages.Digest(draft);
        var self = SelfIndex(claimed);
        Assert.NotEqual(claimed, TestImages.Digest(self));

        using (var byTag = await TestImages.PutManifestAsync(Client, repo, "self", self, TestImages.OciIndex))
        {
            Assert.Equal(HttpStatusCode.BadRequest, byTag.StatusCode);
            Assert.Equal(["MANIFEST_BLOB_UNKNOWN"], await TestImages.ErrorCodesAsync(byTag));
        }
        // Pushed under the digest it names: the body's own digest differs, so it is refused before its children are looked at.
        using (var byDigest = await TestImages.PutManifestAsync(Client, repo, claimed, self, TestImages.OciIndex))
        {
            Assert.Equal(HttpStatusCode.BadRequest, byDigest.StatusCode);
            Assert.Equal(["DIGEST_INVALID"], await TestImages.ErrorCodesAsync(byDigest));
        }
        await RegistryState.AssertUnchangedAsync(fixture, before, repo);
    }

    [Fact]
    public async Task A_cycle_of_indexes_cannot_be_closed_each_new_index_points_only_at_older_content()
    {
        var repo = TestImages.UniqueRepo("hostile-cycle");
        var (image, imageDigest) = await TestImages.PushImageAsync(Client, repo, "image", seed: 8102);
        var a = TestImages.ImageIndex([(image, TestImages.OciManifest)]);
        var aDigest = await TestImages.PushManifestAsync(Client, repo, "a", a, TestImages.OciIndex);
        var b = TestImages.ImageIndex([(a, TestImages.OciIndex)]);
        var bDigest = await TestImages.PushManifestAsync(Client, repo, "b", b, TestImages.OciIndex);

        // "Close" the cycle: A again, now also naming B. That is a new document with a new digest; tag a moves to it.
        var aAgain = TestImages.ImageIndex([(image, TestImages.OciManifest), (b, TestImages.OciIndex)]);
        var aAgainDigest = await TestImages.PushManifestAsync(Client, repo, "a", aAgain, TestImages.OciIndex);

        Assert.NotEqual(aDigest, aAgainDigest);
        Assert.Equal(a, await Client.GetByteArrayAsync($"v2/{repo}/manifests/{aDigest}")); // B still names the old A
        // Following children from the new A ends without meeting a manifest on its own path: new A, the image, B, old A.
        var visited = await WalkAsync(repo, aAgainDigest);
        Assert.Equal([aAgainDigest, imageDigest, bDigest, aDigest], visited);
    }

    [Fact]
    public async Task Index_whose_child_lives_only_in_another_repository_is_MANIFEST_BLOB_UNKNOWN()
    {
        var other = TestImages.UniqueRepo("hostile-other");
        var (image, _) = await TestImages.PushImageAsync(Client, other, "v1", seed: 8103);

        await AssertIndexRefusedAsync(TestImages.UniqueRepo("hostile-cross"), TestImages.ImageIndex([(image, TestImages.OciManifest)]));
    }

    // ---- helpers ----

    /// <summary>PUT of the index is 400 MANIFEST_BLOB_UNKNOWN and changes nothing.</summary>
    private async Task AssertIndexRefusedAsync(string repo, byte[] index)
    {
        var before = await RegistryState.CaptureAsync(fixture, repo);

        using var response = await TestImages.PutManifestAsync(Client, repo, "v1", index, TestImages.OciIndex);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(["MANIFEST_BLOB_UNKNOWN"], await TestImages.ErrorCodesAsync(response));
        await RegistryState.AssertUnchangedAsync(fixture, before, repo);
    }

    /// <summary>An index whose only child is the given digest (posing as an index).</summary>
    private static byte[] SelfIndex(string childDigest) => JsonSerializer.SerializeToUtf8Bytes(new
    {
        schemaVersion = 2,
        mediaType = TestImages.OciIndex,
        manifests = new[] { new { mediaType = TestImages.OciIndex, digest = childDigest, size = 200 } },
    });

    /// <summary>
    /// Depth-first over index children, by digest: fails on a manifest met again on its own path (a cycle) and is bounded;
    /// returns each manifest reached once, in first-visit order.
    /// </summary>
    private async Task<List<string>> WalkAsync(string repo, string root)
    {
        var visited = new List<string>();
        var path = new Stack<string>();
        await VisitAsync(root);
        return visited;

        async Task VisitAsync(string digest)
        {
            Assert.DoesNotContain(digest, path);
            Assert.True(path.Count < 100, "the walk does not end");
            if (visited.Contains(digest)) return; // shared by two parents: a DAG, not a cycle
            visited.Add(digest);
            path.Push(digest);
            using var json = JsonDocument.Parse(await Client.GetByteArrayAsync($"v2/{repo}/manifests/{digest}"));
            if (json.RootElement.TryGetProperty("manifests", out var children))
                foreach (var child in children.EnumerateArray())
                    await VisitAsync(child.GetProperty("digest").GetString()!);
            path.Pop();
        }
    }

    /// <summary>
    /// Sends a huge body (declared, or chunked) and reads the answer. The server may answer and close before it has read
    /// everything, so a failing write ends the sending and the answer is read all the same.
    /// </summary>
    private async Task<RawHttpResponse> SendHugeAsync(string requestLine, byte[] body, bool chunked)
    {
        string[] headers = [$"Content-Type: {TestImages.OciManifest}", chunked ? "Transfer-Encoding: chunked" : $"Content-Length: {body.Length}"];
        await using var connection = await RawHttpConnection.SendAsync(fixture.Registry.BaseAddress, requestLine, headers,
            ReadOnlyMemory<byte>.Empty, Bound);
        try
        {
            const int piece = 64 * 1024;
            for (var offset = 0; offset < body.Length; offset += piece)
            {
                var part = body.AsMemory(offset, Math.Min(piece, body.Length - offset));
                if (chunked)
                {
                    await connection.SendAsync(Encoding.ASCII.GetBytes($"{part.Length:x}\r\n"));
                    await connection.SendAsync(part);
                    await connection.SendAsync("\r\n"u8.ToArray());
                }
                else await connection.SendAsync(part);
            }
            if (chunked) await connection.SendAsync("0\r\n\r\n"u8.ToArray());
        }
        catch (IOException) { } // the server stopped reading: its answer is waiting
        return await connection.ReadResponseAsync(Bound);
    }
}
