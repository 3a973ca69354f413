using Microsoft.Extensions.Logging;
using OrleansRegistry.Core;

namespace OrleansRegistry.Grains.Mirrors;

/// <summary>
/// What a mirror writes into the registry on a reader's behalf, in the audit log's category (beside the access
/// decisions): each manifest cached, tag moved to the upstream's digest and blob committed, at Information, with the
/// upstream it came from. A pull that only reads the cache writes nothing here.
/// </summary>
public sealed partial class MirrorAuditLog(ILoggerFactory loggers)
{
    /// <summary>The audit log's category, shared with the server's access decisions.</summary>
    public const string Category = "OrleansRegistry.Audit";

    private readonly ILogger _logger = loggers.CreateLogger(Category);

    public void ManifestCached(Mirror mirror, RepositoryName repository, Digest digest, Tag? tag) =>
        Manifest(_logger, mirror.Namespace, repository.Value, digest.ToString(), tag?.Value ?? "");

    public void BlobCommitted(Mirror mirror, Digest digest, long size, IEnumerable<RepositoryName> repositories) =>
        Blob(_logger, mirror.Namespace, digest.ToString(), size, string.Join(',', repositories.Select(r => r.Value)));

    public void TagMoved(Mirror mirror, RepositoryName repository, Tag tag, Digest digest) =>
        Tag(_logger, mirror.Namespace, repository.Value, tag.Value, digest.ToString());

    [LoggerMessage(EventId = 7100, Level = LogLevel.Information, Message = "Mirror cached manifest {Digest} (tag '{Tag}') of {Repository} from {Upstream}")]
    private static partial void Manifest(ILogger logger, string upstream, string repository, string digest, string tag);

    [LoggerMessage(EventId = 7101, Level = LogLevel.Information, Message = "Mirror committed blob {Digest} ({Size} bytes) for {Repositories} from {Upstream}")]
    private static partial void Blob(ILogger logger, string upstream, string digest, long size, string repositories);

    [LoggerMessage(EventId = 7102, Level = LogLevel.Information, Message = "Mirror moved tag {Tag} of {Repository} to {Digest} as {Upstream} has it")]
    private static partial void Tag(ILogger logger, string upstream, string repository, string tag, string digest);
}
