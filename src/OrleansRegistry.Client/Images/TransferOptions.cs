namespace OrleansRegistry.Client.Images;

/// <summary>How an image moves: how many layers may be ahead of the oldest unfinished one, and who hears about it.</summary>
public sealed record TransferOptions
{
    /// <summary>Layer i may start only when layer i − Window has finished (docs/architecture.md#client).</summary>
    public int Window { get; init; } = 3;

    /// <summary>Per-blob events for progress bars and logs; called from transfer tasks, so it must be thread-safe.</summary>
    public IProgress<TransferEvent>? Progress { get; init; }

    /// <summary>
    /// A repository of the destination registry that may already hold the blobs (e.g. the base image's): a push or copy
    /// asks the registry to mount each missing blob from it before sending any bytes. Copy between two repositories of
    /// one registry mounts from the source repository without being told.
    /// </summary>
    public string? MountFrom { get; init; }
}
