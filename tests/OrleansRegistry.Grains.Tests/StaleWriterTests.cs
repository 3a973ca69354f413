using System.Security.Cryptography;
using OrleansRegistry.Core;
using OrleansRegistry.Grains.Abstractions;

namespace OrleansRegistry.Grains.Tests;

/// <summary>
/// A writer that outlives its lease (stalled past WriterLeaseTimeout, still streaming) must not put its bytes into
/// the upload: the finish trusts the saved hash state, so interleaved bytes would be committed under a digest they
/// do not have. The blob store refuses a second writer while the first holds the data open (docs/architecture.md#upload-state-machine).
/// </summary>
public sealed class StaleWriterTests : IAsyncLifetime
{
    private static readonly RepositoryName Repo = RepositoryName.Parse("grains/stale-writer");
    private static readonly TimeSpan LeaseTimeout = TimeSpan.FromSeconds(10);
    private RegistryTestCluster _cluster = null!;

    public async Task InitializeAsync() =>
        _cluster = await RegistryTestCluster.StartAsync(silos: 1, writerLeaseTimeout: LeaseTimeout);

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact] // spec: "Pushing a blob in chunks" — a chunk that can't be written now is 416 with the current Range
    public async Task A_writer_whose_lease_was_taken_over_cannot_interleave_and_the_upload_still_finishes_verified()
    {
        using var client = new ClusterUploader(_cluster);
        var id = Guid.NewGuid();
        await client.Uploader.OpenAsync(Repo, id, Digest.Sha256, owner: null, identity: null);
        var data = RandomNumberGenerator.GetBytes(64 * 1024);
        var stale = RandomNumberGenerator.GetBytes(64 * 1024);

        // Writer A sends a quarter of its chunk, then stalls past the lease timeout (the silo's clock moves on) with the
        // data still open.
        var stalled = new StalledStream(stale, sendFirst: 16 * 1024);
        var writerA = client.Uploader.WriteChunkAsync(Repo, id, 0, stale.Length, stalled, owner: null, default);
        await stalled.FirstPartRead.WaitAsync(TimeSpan.FromSeconds(10));
        _cluster.Clock.Advance(LeaseTimeout + TimeSpan.FromMilliseconds(1));

        // Writer B takes the lease over, but the data is still A's: refused, nothing written.
        var refused = await Assert.ThrowsAsync<RegistryException>(() =>
            client.Uploader.WriteChunkAsync(Repo, id, 0, data.Length, new MemoryStream(data), owner: null, default));
        Assert.Same(ErrorCatalog.RangeInvalid, refused.Descriptor);

        // A finishes its bytes, but its lease is gone: its chunk does not count.
        stalled.Release();
        var late = await Assert.ThrowsAsync<RegistryException>(() => writerA);
        Assert.Same(ErrorCatalog.BlobUploadInvalid, late.Descriptor);
        Assert.Equal(0, (await _cluster.Grains.UploadSession(id).GetStatus(Repo, owner: null)).Offset);

        // The upload goes on from the committed offset and finishes under the digest of what was sent.
        var digest = Digest.Compute(data);
        await client.Uploader.FinishAsync(Repo, id, digest, 0, data.Length, new MemoryStream(data), owner: null, default);
        await using var stored = (await _cluster.Blobs.OpenReadAsync(digest))!;
        using var copy = new MemoryStream();
        await stored.CopyToAsync(copy);
        Assert.Equal(data, copy.ToArray());
    }

    /// <summary>A request body that delivers its first part, then waits until released before the rest.</summary>
    private sealed class StalledStream(byte[] data, int sendFirst) : Stream
    {
        private readonly TaskCompletionSource _firstPartRead = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _position;

        public Task FirstPartRead => _firstPartRead.Task;

        public void Release() => _release.TrySetResult();

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
        {
            if (_position == sendFirst)
            {
                _firstPartRead.TrySetResult();
                await _release.Task.WaitAsync(TimeSpan.FromSeconds(30), ct);
            }
            var end = _position < sendFirst ? sendFirst : data.Length;
            var count = Math.Min(buffer.Length, end - _position);
            data.AsMemory(_position, count).CopyTo(buffer);
            _position += count;
            return count;
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => data.Length;
        public override long Position { get => _position; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
