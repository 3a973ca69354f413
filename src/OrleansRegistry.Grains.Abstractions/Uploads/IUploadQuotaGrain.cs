namespace OrleansRegistry.Grains.Abstractions.Uploads;

/// <summary>
/// The upload sessions one identity holds open, cluster-wide (key: the identity, i.e. the authenticated subject or
/// <c>anonymous@ADDRESS</c>). Only <see cref="IUploadSessionGrain"/>, which owns a session's life, calls it: it admits
/// the session at Open, before anything is created, and releases it when the session is finished, cancelled or expires.
/// Both are idempotent per upload id, so a call retried after a silo loss counts once.
/// </summary>
[Alias("IUploadQuotaGrain")]
public interface IUploadQuotaGrain : IGrainWithStringKey
{
    /// <summary>Counts the session, or fails with TOOMANYREQUESTS (detail <c>retryAfter</c>, seconds) at the limit.</summary>
    [Idempotent, Alias("Admit")]
    Task Admit(Guid uploadId);

    /// <summary>The session no longer counts (unknown ids are ignored).</summary>
    [Idempotent, Alias("Release")]
    Task Release(Guid uploadId);
}
