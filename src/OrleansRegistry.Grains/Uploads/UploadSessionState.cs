namespace OrleansRegistry.Grains.Uploads;

/// <summary>What an upload session persists. The row exists only while the session is open.</summary>
[GenerateSerializer, Alias("UploadSessionState")]
public sealed class UploadSessionState
{
    [Id(0)] public string? Repository { get; set; }
    [Id(1)] public long Offset { get; set; }
    [Id(2)] public DateTimeOffset StartedAt { get; set; }
    [Id(3)] public DateTimeOffset LastActivity { get; set; }
}
