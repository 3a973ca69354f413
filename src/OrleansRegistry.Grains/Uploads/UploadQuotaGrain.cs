using Microsoft.Extensions.Options;
using OrleansRegistry.Core;
using OrleansRegistry.Grains.Abstractions.Uploads;

namespace OrleansRegistry.Grains.Uploads;

/// <summary>
/// The open upload sessions of one identity, admitted up to <see cref="UploadQuotaOptions.MaxSessionsPerIdentity"/>.
/// The ids live in activation memory only, deliberately: a PostgreSQL write at every open and close would tax every
/// upload to guard against abuse, and what a lost activation (a silo gone) forgets only lets its identity open more,
/// never fewer: releases of forgotten ids are ignored, so nobody is locked out. While it holds ids the activation is
/// kept from idle collection, and an id older than the upload expiry is dropped at the next admission: a session idle
/// that long has been expired by the sweep, so an entry whose release was lost (its call failed) ages out with it
/// rather than holding a slot for ever.
/// </summary>
public sealed class UploadQuotaGrain(IOptions<UploadQuotaOptions> quota, IOptions<UploadOptions> uploads, TimeProvider clock)
    : Grain, IUploadQuotaGrain
{
    private readonly Dictionary<Guid, DateTimeOffset> _open = [];

    public Task Admit(Guid uploadId)
    {
        var limit = quota.Value.MaxSessionsPerIdentity;
        if (limit <= 0) return Task.CompletedTask; // unlimited: nothing to remember
        var now = clock.GetUtcNow();
        if (!_open.ContainsKey(uploadId) && _open.Count >= limit)
        {
            DropAged(now - uploads.Value.Expiry);
            if (_open.Count >= limit)
            {
                var retryAfter = Math.Max(1, (int)Math.Ceiling(quota.Value.RetryAfter.TotalSeconds));
                // Thrown before the session creates anything: a refused open leaves no data, row or state behind.
                throw new RegistryException(ErrorCatalog.TooManyRequests,
                    $"{limit} upload sessions are open for this identity; finish or cancel one, or retry in {retryAfter} s",
                    new { retryAfter, limit });
            }
        }
        _open[uploadId] = now;
        DelayDeactivation(uploads.Value.Expiry); // the ids exist only here: the activation stays while any may be open
        return Task.CompletedTask;
    }

    public Task Release(Guid uploadId)
    {
        if (_open.Remove(uploadId) && _open.Count == 0) DeactivateOnIdle(); // nothing left to remember
        return Task.CompletedTask;
    }

    private void DropAged(DateTimeOffset openedBefore)
    {
        foreach (var (id, opened) in _open)
            if (opened < openedBefore) _open.Remove(id);
    }
}
