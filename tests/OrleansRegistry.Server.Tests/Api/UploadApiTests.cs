using System.Net;
using OrleansRegistry.Server.Tests.Infrastructure;

namespace OrleansRegistry.Server.Tests.Api;

/// <summary>
/// Blob uploads through the real server (spec: "Pushing blobs"): POST (end-4a/4b), mount (end-11), PATCH (end-5),
/// PUT (end-6), status (end-13) and cancel (end-14). Chunks cut off mid-body: <see cref="UploadInterruptionTests"/>;
/// concurrent writers and cancels: <see cref="UploadConcurrencyTests"/>.
/// </summary>
[Collection(RegistryCollection.Name)]
public sealed class UploadApiTests(RegistryFixture fixture) : UploadApiTestBase(fixture)
{
    // ---- POST ----

    [Fact] // spec: "POST then PUT" end-4a: 202 and a Location holding the session's UUID
    public async Task Post_opens_a_session_with_location_uuid_and_an_empty_range()
    {
        var repo = TestImages.UniqueRepo("up-post");

        using var response = await Client.PostAsync($"v2/{repo}/blobs/uploads/", new ByteArrayContent([]));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var uuid = response.Headers.GetValues("Docker-Upload-UUID").Single();
        Assert.True(Guid.TryParse(uuid, out _), uuid);
        var location = response.Headers.Location!.OriginalString;
        Assert.Contains(uuid, location);
        Assert.StartsWith($"/v2/{repo}/blobs/uploads/", location);
        Assert.Equal("0-0", TestImages.HeaderValue(response, "Range"));

        using var status = await Client.GetAsync(location);
        Assert.Equal(HttpStatusCode.NoContent, status.StatusCode);
    }

    [Fact] // spec: "Single POST" end-4b: 201, Location of a pullable blob; Docker-Content-Digest
    public async Task Monolithic_post_with_digest_creates_the_blob()
    {
        var repo = TestImages.UniqueRepo("up-mono");
        var data = TestImages.RandomBytes(5000, 101);
        var digest = TestImages.Digest(data);

        using var response = await Client.PostAsync($"v2/{repo}/blobs/uploads/?digest={digest}", TestImages.Octets(data));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(digest, response.Headers.GetValues("Docker-Content-Digest").Single());
        var location = response.Headers.Location!.OriginalString;
        Assert.Equal(data, await PullAsync(location));
    }

    [Fact] // spec: "Single POST": "the <digest> MUST match the blob's digest"; code-4 DIGEST_INVALID
    public async Task Monolithic_post_with_a_wrong_digest_is_400_DIGEST_INVALID_and_stores_nothing()
    {
        var repo = TestImages.UniqueRepo("up-mono-bad");
        var data = TestImages.RandomBytes(5000, 102);
        var claimed = TestImages.Digest(TestImages.RandomBytes(5000, 103));

        using var response = await Client.PostAsync($"v2/{repo}/blobs/uploads/?digest={claimed}", TestImages.Octets(data));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(["DIGEST_INVALID"], await TestImages.ErrorCodesAsync(response));
        await AssertBlobAbsentAsync(repo, claimed);
        await AssertBlobAbsentAsync(repo, TestImages.Digest(data));
    }

    [Theory] // spec: "Pushing blobs": invalid digest or unsupported algorithm → 400
    [InlineData("sha256:abc")]
    [InlineData("md5:d41d8cd98f00b204e9800998ecf8427e")]
    public async Task Monolithic_post_with_a_malformed_digest_is_400_DIGEST_INVALID(string digest)
    {
        var repo = TestImages.UniqueRepo("up-mono-malformed");

        using var response = await Client.PostAsync($"v2/{repo}/blobs/uploads/?digest={digest}", TestImages.Octets([1, 2, 3]));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(["DIGEST_INVALID"], await TestImages.ErrorCodesAsync(response));
    }

    [Fact] // spec: "Pushing blobs" (SHOULD accept other algorithms than sha256): a sha512 blob, monolithic
    public async Task Monolithic_post_with_a_sha512_digest_works()
    {
        var repo = TestImages.UniqueRepo("up-mono-512");
        var data = TestImages.RandomBytes(3000, 104);
        var digest = TestImages.Sha512Digest(data);

        using var response = await Client.PostAsync($"v2/{repo}/blobs/uploads/?digest={digest}", TestImages.Octets(data));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(data, await PullAsync($"/v2/{repo}/blobs/{digest}"));
    }

    // ---- mount ----

    [Fact] // spec: "Mounting a blob from another repository" end-11: 201 with Location
    public async Task Mount_from_a_repository_holding_the_blob_is_201()
    {
        var source = TestImages.UniqueRepo("up-mount-src");
        var target = TestImages.UniqueRepo("up-mount-dst");
        var data = TestImages.RandomBytes(2000, 111);
        var digest = await TestImages.PushBlobAsync(Client, source, data);

        using var response = await Client.PostAsync($"v2/{target}/blobs/uploads/?mount={digest}&from={source}", new ByteArrayContent([]));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(digest, response.Headers.GetValues("Docker-Content-Digest").Single());
        Assert.Equal($"/v2/{target}/blobs/{digest}", response.Headers.Location!.OriginalString);
        Assert.Equal(data, await PullAsync($"/v2/{target}/blobs/{digest}"));
    }

    [Theory] // spec: end-11 "if a registry ... is unable to mount the requested blob, it SHOULD return a 202" (a session)
    [InlineData("has-not")]      // from exists but lacks the blob
    [InlineData("missing")]      // no from
    [InlineData("invalid-name")] // from is not a repository name
    [InlineData("invalid-digest")]
    public async Task Mount_that_cannot_be_done_falls_back_to_a_session(string variant)
    {
        var source = TestImages.UniqueRepo("up-mount-src");
        var target = TestImages.UniqueRepo("up-mount-dst");
        var data = TestImages.RandomBytes(2000, 112);
        var digest = TestImages.Digest(data);
        var elsewhere = TestImages.UniqueRepo("up-mount-other");
        await TestImages.PushBlobAsync(Client, elsewhere, data); // the blob exists in the registry, just not in `from`
        var query = variant switch
        {
            "has-not" => $"mount={digest}&from={source}",
            "missing" => $"mount={digest}",
            "invalid-name" => $"mount={digest}&from=NOT..VALID",
            _ => $"mount=sha256:xyz&from={elsewhere}",
        };

        using var response = await Client.PostAsync($"v2/{target}/blobs/uploads/?{query}", new ByteArrayContent([]));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var location = response.Headers.Location!.OriginalString;
        Assert.Contains(response.Headers.GetValues("Docker-Upload-UUID").Single(), location);
        await AssertBlobAbsentAsync(target, digest);
        // The session is a real one: the blob can be pushed through it.
        using var put = await Client.PutAsync(TestImages.WithDigest(location, digest), TestImages.Octets(data));
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        Assert.Equal(data, await PullAsync($"/v2/{target}/blobs/{digest}"));
    }

    [Fact] // spec: end-4c "?digest-algorithm=sha512" opens a session for a blob whose digest is not sha256
    public async Task Post_with_digest_algorithm_sha512_opens_a_session_for_a_sha512_blob()
    {
        var repo = TestImages.UniqueRepo("up-algo");
        var data = TestImages.RandomBytes(4000, 105);
        var digest = TestImages.Sha512Digest(data);

        using var post = await Client.PostAsync($"v2/{repo}/blobs/uploads/?digest-algorithm=sha512", new ByteArrayContent([]));
        Assert.Equal(HttpStatusCode.Accepted, post.StatusCode);
        var location = post.Headers.Location!.OriginalString;
        using (var patch = await SendAsync(HttpMethod.Patch, location, Chunk(data, 0, 2999)))
            Assert.Equal(HttpStatusCode.Accepted, patch.StatusCode);
        using var put = await SendAsync(HttpMethod.Put, TestImages.WithDigest(location, digest), Chunk(data, 3000, 3999));

        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        Assert.Equal(data, await PullAsync($"/v2/{repo}/blobs/{digest}"));
    }

    [Theory] // spec: "Pushing blobs": "uses an unsupported algorithm, the registry SHOULD respond with ... 400"; end-4c fails 400
    [InlineData("md5")]
    [InlineData("SHA256")]
    public async Task Post_with_an_unsupported_digest_algorithm_is_400_DIGEST_INVALID(string algorithm)
    {
        var repo = TestImages.UniqueRepo("up-algo-bad");

        using var post = await Client.PostAsync($"v2/{repo}/blobs/uploads/?digest-algorithm={algorithm}", new ByteArrayContent([]));

        Assert.Equal(HttpStatusCode.BadRequest, post.StatusCode);
        Assert.Equal(["DIGEST_INVALID"], await TestImages.ErrorCodesAsync(post));
        Assert.False(post.Headers.Contains("Docker-Upload-UUID"));
    }

    [Theory] // spec: "Pushing blobs": a zero-length blob is a blob (the empty layer); Content-Length 0 on pull
    [InlineData(true)]
    [InlineData(false)]
    public async Task An_empty_blob_can_be_pushed_and_pulled(bool monolithic)
    {
        var repo = TestImages.UniqueRepo("up-empty");
        var digest = TestImages.Digest([]);

        if (monolithic)
        {
            using var post = await Client.PostAsync($"v2/{repo}/blobs/uploads/?digest={digest}", TestImages.Octets([]));
            Assert.Equal(HttpStatusCode.Created, post.StatusCode);
        }
        else
        {
            var (location, _) = await TestImages.StartUploadAsync(Client, repo);
            using var put = await SendAsync(HttpMethod.Put, TestImages.WithDigest(location, digest), TestImages.Octets([]));
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        }

        using var get = await Client.GetAsync($"v2/{repo}/blobs/{digest}");
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal(0, get.Content.Headers.ContentLength);
        Assert.Empty(await get.Content.ReadAsByteArrayAsync());
        using var head = await Client.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"v2/{repo}/blobs/{digest}"));
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal(0, head.Content.Headers.ContentLength);
        Assert.Equal(digest, head.Headers.GetValues("Docker-Content-Digest").Single());
    }

    [Fact] // spec: end-6 201 also when the registry already holds the content (content addressing; commit of a known digest)
    public async Task Uploading_content_the_registry_already_holds_succeeds_in_any_repository()
    {
        var first = TestImages.UniqueRepo("up-dup-a");
        var second = TestImages.UniqueRepo("up-dup-b");
        var data = TestImages.RandomBytes(3000, 106);
        var digest = await TestImages.PushBlobAsync(Client, first, data);

        foreach (var repo in new[] { first, second })
        {
            var (location, uuid) = await StartWithChunkAsync(repo, data, 1999);
            using var put = await SendAsync(HttpMethod.Put, TestImages.WithDigest(location, digest), Chunk(data, 2000, 2999));
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);
            Assert.False(Directory.Exists(UploadDirectory(uuid)), "the finished upload's data should be gone");
            Assert.Equal(data, await PullAsync($"/v2/{repo}/blobs/{digest}"));
        }
    }

    // ---- POST then PUT, PATCH, status ----

    [Fact] // spec: "POST then PUT": the whole blob in the PUT body → 201, Location, pullable
    public async Task Post_then_put_with_the_whole_blob_creates_it()
    {
        var repo = TestImages.UniqueRepo("up-postput");
        var data = TestImages.RandomBytes(4096, 121);
        var digest = TestImages.Digest(data);
        var (location, _) = await TestImages.StartUploadAsync(Client, repo);

        using var put = await Client.PutAsync(TestImages.WithDigest(location, digest), TestImages.Octets(data));

        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        Assert.Equal(digest, put.Headers.GetValues("Docker-Content-Digest").Single());
        Assert.Equal(data, await PullAsync(put.Headers.Location!.OriginalString));
    }

    [Theory] // spec: end-5 PATCH without Content-Range (streamed, as docker does), then end-6 PUT without a body
    [InlineData(false)]
    [InlineData(true)] // Transfer-Encoding: chunked, no Content-Length (docker's streamed PATCH)
    public async Task Streamed_patch_then_put_without_body_creates_the_blob(bool chunkedTransfer)
    {
        var repo = TestImages.UniqueRepo("up-stream");
        var data = TestImages.RandomBytes(300_000, chunkedTransfer ? 128 : 122);
        var digest = TestImages.Digest(data);
        var (location, uuid) = await TestImages.StartUploadAsync(Client, repo);

        using var patch = await SendAsync(HttpMethod.Patch, location, chunkedTransfer ? new UnsizedContent(data) : TestImages.Octets(data));
        Assert.Equal(HttpStatusCode.Accepted, patch.StatusCode);
        Assert.Equal($"0-{data.Length - 1}", TestImages.HeaderValue(patch, "Range"));
        Assert.Equal(uuid, patch.Headers.GetValues("Docker-Upload-UUID").Single());
        location = patch.Headers.Location!.OriginalString;

        using var put = await SendAsync(HttpMethod.Put, TestImages.WithDigest(location, digest), new ByteArrayContent([]));
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        Assert.Equal($"/v2/{repo}/blobs/{digest}", put.Headers.Location!.OriginalString);
        Assert.Equal(data, await PullAsync($"/v2/{repo}/blobs/{digest}"));
    }

    [Fact] // spec: "Pushing a blob in chunks": PATCHes with Content-Range, 202 + Range each, last chunk in the PUT
    public async Task Three_chunks_with_content_range_then_put_with_the_last_chunk()
    {
        var repo = TestImages.UniqueRepo("up-chunks");
        var data = TestImages.RandomBytes(10_000, 123);
        var digest = TestImages.Digest(data);
        var (location, _) = await TestImages.StartUploadAsync(Client, repo);

        int[] ends = [2999, 6999]; // chunks 0-2999, 3000-6999, then 7000-9999 in the PUT
        var start = 0;
        foreach (var end in ends)
        {
            using var patch = await SendAsync(HttpMethod.Patch, location, Chunk(data, start, end));
            Assert.Equal(HttpStatusCode.Accepted, patch.StatusCode);
            Assert.Equal($"0-{end}", TestImages.HeaderValue(patch, "Range"));
            location = patch.Headers.Location!.OriginalString;
            start = end + 1;
        }

        using var put = await SendAsync(HttpMethod.Put, TestImages.WithDigest(location, digest), Chunk(data, start, data.Length - 1));
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        Assert.Equal(digest, put.Headers.GetValues("Docker-Content-Digest").Single());
        Assert.Equal(data, await PullAsync($"/v2/{repo}/blobs/{digest}"));
    }

    [Fact] // spec: end-13: 204 with Location and "Range: 0-<end-of-range>"
    public async Task Status_is_204_with_the_committed_range()
    {
        var repo = TestImages.UniqueRepo("up-status");
        var data = TestImages.RandomBytes(1234, 124);
        var (location, uuid) = await StartWithChunkAsync(repo, data, data.Length - 1);

        using var status = await Client.GetAsync(location);

        Assert.Equal(HttpStatusCode.NoContent, status.StatusCode);
        Assert.Equal("0-1233", TestImages.HeaderValue(status, "Range"));
        Assert.Equal(location, status.Headers.Location!.OriginalString);
        Assert.Equal(uuid, status.Headers.GetValues("Docker-Upload-UUID").Single());
    }

    [Theory] // spec: "Chunks MUST be uploaded in order ... out of order, the registry MUST respond with a 416"
    [InlineData(1500)] // a gap after the committed offset
    [InlineData(0)]    // a repeat of the first chunk
    [InlineData(999)]  // overlaps the committed data by one byte
    public async Task Out_of_order_chunk_is_416_with_the_current_range_and_the_session_stays_usable(int badStart)
    {
        var repo = TestImages.UniqueRepo("up-order");
        var data = TestImages.RandomBytes(3000, 125);
        var digest = TestImages.Digest(data);
        var (location, _) = await StartWithChunkAsync(repo, data, 999);

        using var bad = await SendAsync(HttpMethod.Patch, location, Chunk(data, badStart, 1999));

        Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, bad.StatusCode);
        Assert.Equal("0-999", TestImages.HeaderValue(bad, "Range"));
        Assert.NotNull(bad.Headers.Location);
        Assert.NotEmpty(await TestImages.ErrorCodesAsync(bad));
        await AssertRangeAsync(location, "0-999");

        using (var next = await SendAsync(HttpMethod.Patch, location, Chunk(data, 1000, 1999)))
            Assert.Equal(HttpStatusCode.Accepted, next.StatusCode);
        using var put = await SendAsync(HttpMethod.Put, TestImages.WithDigest(location, digest), Chunk(data, 2000, 2999));
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        Assert.Equal(data, await PullAsync($"/v2/{repo}/blobs/{digest}"));
    }

    [Fact] // spec: end-6 "If the final chunk is uploaded out of order, the registry MUST respond with a 416"
    public async Task Out_of_order_final_chunk_in_the_put_is_416_and_the_session_stays_usable()
    {
        var repo = TestImages.UniqueRepo("up-order-put");
        var data = TestImages.RandomBytes(2000, 126);
        var digest = TestImages.Digest(data);
        var (location, _) = await StartWithChunkAsync(repo, data, 999);

        using var bad = await SendAsync(HttpMethod.Put, TestImages.WithDigest(location, digest), Chunk(data, 1500, 1999));

        Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, bad.StatusCode);
        Assert.Equal("0-999", TestImages.HeaderValue(bad, "Range"));
        await AssertBlobAbsentAsync(repo, digest);
        using var put = await SendAsync(HttpMethod.Put, TestImages.WithDigest(location, digest), Chunk(data, 1000, 1999));
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
    }

    [Theory] // spec: end-5 Content-Range "MUST match ^[0-9]+-[0-9]+$" and <length> is the chunk's Content-Length
    [InlineData("0-99")]   // claims 100 bytes, the body has 50
    [InlineData("0-9")]    // claims 10 bytes, the body has 50
    [InlineData("abc")]    // not a range at all
    [InlineData("20-10")]  // end before start
    public async Task Content_range_that_disagrees_with_the_body_is_a_spec_error_and_changes_nothing(string contentRange)
    {
        var repo = TestImages.UniqueRepo("up-badrange");
        var data = TestImages.RandomBytes(50, 127);
        var (location, _) = await TestImages.StartUploadAsync(Client, repo);
        var content = TestImages.Octets(data);
        Assert.True(content.Headers.TryAddWithoutValidation("Content-Range", contentRange));

        using var response = await SendAsync(HttpMethod.Patch, location, content);

        Assert.True(response.StatusCode is HttpStatusCode.RequestedRangeNotSatisfiable or HttpStatusCode.BadRequest,
            $"status {(int)response.StatusCode}");
        Assert.NotEmpty(await TestImages.ErrorCodesAsync(response));
        await AssertRangeAsync(location, "0-0");
        using var retry = await SendAsync(HttpMethod.Patch, location, Chunk(data, 0, data.Length - 1));
        Assert.Equal(HttpStatusCode.Accepted, retry.StatusCode);
        Assert.Equal("0-49", TestImages.HeaderValue(retry, "Range"));
    }

    // ---- PUT checks ----

    [Theory] // spec: "Pushing blobs": invalid digest / unsupported algorithm → 400 (code-4); the session is not closed
    [InlineData("")]                                          // no digest parameter
    [InlineData("?digest=")]                                  // empty
    [InlineData("?digest=sha256:abc")]                        // malformed
    [InlineData("?digest=sha256%3A0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF")] // upper-case hex
    [InlineData("?digest=md5%3Ad41d8cd98f00b204e9800998ecf8427e")] // unsupported algorithm
    [InlineData("?digest=sha256")]                            // no encoded part
    public async Task Put_with_a_missing_or_unusable_digest_is_400_DIGEST_INVALID_and_the_session_stays(string query)
    {
        var repo = TestImages.UniqueRepo("up-put-digest");
        var data = TestImages.RandomBytes(1000, 131);
        var (location, _) = await TestImages.StartUploadAsync(Client, repo);
        using (var patch = await SendAsync(HttpMethod.Patch, location, TestImages.Octets(data)))
            Assert.Equal(HttpStatusCode.Accepted, patch.StatusCode);

        using var put = await SendAsync(HttpMethod.Put, location + query, new ByteArrayContent([]));

        Assert.Equal(HttpStatusCode.BadRequest, put.StatusCode);
        Assert.Equal(["DIGEST_INVALID"], await TestImages.ErrorCodesAsync(put));
        await AssertRangeAsync(location, "0-999");
        using var good = await SendAsync(HttpMethod.Put, TestImages.WithDigest(location, TestImages.Digest(data)), new ByteArrayContent([]));
        Assert.Equal(HttpStatusCode.Created, good.StatusCode);
    }

    [Fact] // spec: code-4 "provided digest did not match uploaded content"; nothing is published under either digest
    public async Task Put_with_a_digest_that_does_not_match_is_400_and_the_session_stays_open()
    {
        var repo = TestImages.UniqueRepo("up-put-mismatch");
        var data = TestImages.RandomBytes(1000, 132);
        var wrong = TestImages.Digest(TestImages.RandomBytes(1000, 133));
        var (location, _) = await TestImages.StartUploadAsync(Client, repo);
        using (var patch = await SendAsync(HttpMethod.Patch, location, TestImages.Octets(data)))
            Assert.Equal(HttpStatusCode.Accepted, patch.StatusCode);

        using var put = await SendAsync(HttpMethod.Put, TestImages.WithDigest(location, wrong), new ByteArrayContent([]));

        Assert.Equal(HttpStatusCode.BadRequest, put.StatusCode);
        Assert.Equal(["DIGEST_INVALID"], await TestImages.ErrorCodesAsync(put));
        await AssertRangeAsync(location, "0-999");
        await AssertBlobAbsentAsync(repo, wrong);
        await AssertBlobAbsentAsync(repo, TestImages.Digest(data));

        // Still open: the right digest finishes it (the data was not lost by the failed attempt).
        using var good = await SendAsync(HttpMethod.Put, TestImages.WithDigest(location, TestImages.Digest(data)), new ByteArrayContent([]));
        Assert.Equal(HttpStatusCode.Created, good.StatusCode);
        Assert.Equal(data, await PullAsync($"/v2/{repo}/blobs/{TestImages.Digest(data)}"));
    }

    [Fact] // spec: "Pushing blobs" (other algorithms than sha256), chunked: sha512 with a PATCH and the PUT
    public async Task Chunked_upload_with_a_sha512_digest_works()
    {
        var repo = TestImages.UniqueRepo("up-512");
        var data = TestImages.RandomBytes(5000, 134);
        var digest = TestImages.Sha512Digest(data);
        var (location, _) = await StartWithChunkAsync(repo, data, 2999);

        using var put = await SendAsync(HttpMethod.Put, TestImages.WithDigest(location, digest), Chunk(data, 3000, 4999));

        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        Assert.Equal(digest, put.Headers.GetValues("Docker-Content-Digest").Single());
        using var head = await Client.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"v2/{repo}/blobs/{digest}"));
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal(digest, head.Headers.GetValues("Docker-Content-Digest").Single());
        Assert.Equal(data, await PullAsync($"/v2/{repo}/blobs/{digest}"));
    }

    // ---- the end of a session ----

    [Fact] // spec: code-3 BLOB_UPLOAD_UNKNOWN ("upload ... was cancelled, has expired or was never started") after 201
    public async Task After_a_successful_put_the_session_is_unknown()
    {
        var repo = TestImages.UniqueRepo("up-finished");
        var data = TestImages.RandomBytes(100, 141);
        var digest = TestImages.Digest(data);
        var (location, _) = await TestImages.StartUploadAsync(Client, repo);
        using (var put = await SendAsync(HttpMethod.Put, TestImages.WithDigest(location, digest), TestImages.Octets(data)))
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);

        await AssertSessionUnknownAsync(location, digest);
        Assert.Equal(data, await PullAsync($"/v2/{repo}/blobs/{digest}"));
    }

    [Fact] // spec: "Cancel a blob upload" end-14: 204, then the session is gone, and its data with it
    public async Task Delete_cancels_the_session_and_removes_its_data()
    {
        var repo = TestImages.UniqueRepo("up-cancel");
        var data = TestImages.RandomBytes(100, 142);
        var (location, uuid) = await TestImages.StartUploadAsync(Client, repo);
        using (var patch = await SendAsync(HttpMethod.Patch, location, TestImages.Octets(data)))
            Assert.Equal(HttpStatusCode.Accepted, patch.StatusCode);
        Assert.True(Directory.Exists(UploadDirectory(uuid)), "upload data should exist while the session is open");

        using var delete = await Client.DeleteAsync(location);

        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        Assert.False(Directory.Exists(UploadDirectory(uuid)), "upload data should be removed on cancel");
        await AssertSessionUnknownAsync(location, TestImages.Digest(data));
        await AssertBlobAbsentAsync(repo, TestImages.Digest(data));
    }

    [Theory] // spec: code-3 BLOB_UPLOAD_UNKNOWN for a session that was never started
    [InlineData("not-a-uuid")]
    [InlineData("00000000-0000-0000-0000-000000000000")] // well-formed but never opened
    public async Task An_unknown_upload_id_is_404_BLOB_UPLOAD_UNKNOWN(string uploadId)
    {
        var repo = TestImages.UniqueRepo("up-unknown");
        var digest = TestImages.Digest([1, 2, 3]);

        await AssertSessionUnknownAsync($"/v2/{repo}/blobs/uploads/{uploadId}", digest);
    }

    [Fact] // spec: the <blob-push-location> belongs to <name>: a session opened in A is unknown under B
    public async Task A_session_used_through_another_repository_is_404_and_stays_intact()
    {
        var repoA = TestImages.UniqueRepo("up-repo-a");
        var repoB = TestImages.UniqueRepo("up-repo-b");
        var data = TestImages.RandomBytes(100, 143);
        var digest = TestImages.Digest(data);
        var (location, uuid) = await TestImages.StartUploadAsync(Client, repoA);
        using (var patch = await SendAsync(HttpMethod.Patch, location, TestImages.Octets(data)))
            Assert.Equal(HttpStatusCode.Accepted, patch.StatusCode);

        await AssertSessionUnknownAsync($"/v2/{repoB}/blobs/uploads/{uuid}", digest);

        await AssertBlobAbsentAsync(repoB, digest);
        await AssertRangeAsync(location, "0-99");
        using var put = await SendAsync(HttpMethod.Put, TestImages.WithDigest(location, digest), new ByteArrayContent([]));
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
    }

    /// <summary>A body of unknown length: HttpClient sends it with Transfer-Encoding: chunked and no Content-Length.</summary>
    private sealed class UnsizedContent(byte[] data) : HttpContent
    {
        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => stream.WriteAsync(data).AsTask();

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
