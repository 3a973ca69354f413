using System.Net;
using OrleansRegistry.Server.Tests.Infrastructure;
using OrleansRegistry.TestSupport;

namespace OrleansRegistry.Server.Tests.Api;

/// <summary>Blob uploads with two requests on one session at once: two writers of one chunk, a cancel during a chunk.</summary>
[Collection(RegistryCollection.Name)]
public sealed class UploadConcurrencyTests(RegistryFixture fixture) : UploadApiTestBase(fixture)
{
    [Fact] // one writer at a time (docs/architecture.md#upload-state-machine); spec: a chunk not at the committed offset is 416
    public async Task Two_writers_at_the_same_offset_one_wins_and_the_other_gets_416()
    {
        var repo = TestImages.UniqueRepo("up-race");
        var data = TestImages.RandomBytes(4000, 152);
        var digest = TestImages.Digest(data);
        var (location, uuid) = await StartWithChunkAsync(repo, data, 999);

        // Writer A sends the headers of 1000-2999 and half its body, then holds the request open.
        await using var writerA = await StartChunkAsync(Fixture.Registry.BaseAddress, location, 2000, "1000-2999");
        await writerA.SendAsync(data.AsMemory(1000, 1000));
        await Eventually.TrueAsync(() => UploadDataLength(uuid) == 2000, SignalTimeout, "writer A's first half to reach the upload data");

        // Writer B sends the same chunk (with different bytes, to see whose bytes end up in the blob) while A writes.
        var impostor = (byte[])data.Clone();
        impostor.AsSpan(1000, 2000).Fill(0xEE);
        using (var writerB = await SendAsync(HttpMethod.Patch, location, Chunk(impostor, 1000, 2999)))
        {
            Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, writerB.StatusCode);
            Assert.Equal("0-999", TestImages.HeaderValue(writerB, "Range"));
        }

        await writerA.SendAsync(data.AsMemory(2000, 1000));
        var (status, headers) = await writerA.ReadResponseHeadAsync(SignalTimeout);
        Assert.Equal(202, status);
        Assert.Equal("0-2999", headers.GetValueOrDefault("range"));

        // B retrying its stale chunk now is out of order.
        using (var late = await SendAsync(HttpMethod.Patch, location, Chunk(impostor, 1000, 2999)))
        {
            Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, late.StatusCode);
            Assert.Equal("0-2999", TestImages.HeaderValue(late, "Range"));
        }

        using var put = await SendAsync(HttpMethod.Put, TestImages.WithDigest(location, digest), Chunk(data, 3000, 3999));
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        Assert.Equal(data, await PullAsync($"/v2/{repo}/blobs/{digest}"));
    }

    [Fact] // spec: end-14 cancels the session; code-3 BLOB_UPLOAD_UNKNOWN "was cancelled" for a chunk still arriving
    public async Task Cancelling_while_a_chunk_is_written_ends_the_session_and_the_chunk_gets_BLOB_UPLOAD_UNKNOWN()
    {
        var repo = TestImages.UniqueRepo("up-cancel-race");
        var data = TestImages.RandomBytes(2000, 153);
        var (location, uuid) = await TestImages.StartUploadAsync(Client, repo);

        await using var writer = await StartChunkAsync(Fixture.Registry.BaseAddress, location, 2000, "0-1999");
        await writer.SendAsync(data.AsMemory(0, 1000));
        await Eventually.TrueAsync(() => UploadDataLength(uuid) == 1000, SignalTimeout, "the writer's first half to reach the upload data");

        using (var delete = await Client.DeleteAsync(location))
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);

        await writer.SendAsync(data.AsMemory(1000, 1000));
        var (status, _) = await writer.ReadResponseHeadAsync(SignalTimeout);
        Assert.Equal(404, status); // the session it wrote into was cancelled, not "changed by another writer" (400)
        await AssertSessionUnknownAsync(location, TestImages.Digest(data));
        Assert.False(Directory.Exists(UploadDirectory(uuid)), "a cancelled upload's data must not come back");
    }
}
