using OrleansRegistry.Core;

namespace OrleansRegistry.Grains.Uploads;

/// <summary>What an upload session persists. The row exists only while the session is open.</summary>
[GenerateSerializer, Alias("UploadSessionState")]
public sealed class UploadSessionState
{
    [Id(0)] public RepositoryName? Repository { get; set; }
    [Id(1)] public long Offset { get; set; }
    [Id(2)] public DateTimeOffset StartedAt { get; set; }
    [Id(3)] public DateTimeOffset LastActivity { get; set; }

    /// <summary>The algorithm the chunks are hashed with (end-4c <c>digest-algorithm</c>, sha256 by default).</summary>
    [Id(4)] public string Algorithm { get; set; } = Digest.Sha256;

    /// <summary>The hash state after exactly <see cref="Offset"/> bytes, so any silo continues hashing; null if lost.</summary>
    [Id(5)] public byte[]? HashState { get; set; }

    /// <summary>The identity that opened the session (null: anonymous); no other may use it.</summary>
    [Id(6)] public string? Owner { get; set; }

    /// <summary>
    /// The identity whose concurrent-session quota this session counts against (the owner, or <c>anonymous@ADDRESS</c>);
    /// null when it is not counted. Released when the session closes.
    /// </summary>
    [Id(7)] public string? CountedAgainst { get; set; }

    /// <summary>
    /// The blob store's resume information for the data at <see cref="Offset"/> bytes (a BlobUploadState's Resume:
    /// S3's multipart upload and parts; null for a filesystem), so any silo appends more. Written with the offset.
    /// </summary>
    [Id(8)] public byte[]? StoreResume { get; set; }
}
