using OrleansRegistry.Core;
using OrleansRegistry.Grains.Abstractions.Repositories;
using OrleansRegistry.Grains.Caching;
using OrleansRegistry.Storage.Index;

namespace OrleansRegistry.Grains.Repositories;

/// <summary>
/// A repository's blob links and tags. They grow without bound, so they live in PostgreSQL tables (the index),
/// not in one state blob: the 10,000th tag costs what the 10th does. The activation caches positive lookups; a
/// manifest PUT or DELETE writes the tags in its own transaction and then tells this grain (TagMoved, TagsRemoved).
/// </summary>
public sealed class RepositoryGrain(IRegistryIndex index) : Grain, IRepositoryGrain
{
    private const int CacheCapacity = 4096;
    private readonly BoundedCache<Digest, long> _blobs = new(CacheCapacity);
    private readonly BoundedCache<Tag, Digest> _tags = new(CacheCapacity);
    private bool _registered;

    // Reads interleave with writes; a read that started before a write must not cache what it saw.
    private long _version;

    private RepositoryName _name;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // The key was made from a valid name (RegistryGrains.Repository): parsed once per activation.
        _name = RepositoryName.Parse(this.GetPrimaryKeyString());
        return Task.CompletedTask;
    }

    public async Task<long?> StatBlob(Digest digest)
    {
        if (_blobs.TryGet(digest, out var cached)) return cached;
        var seen = _version;
        var size = await index.GetBlobLinkAsync(_name, digest);
        if (size is { } s && seen == _version) _blobs.Set(digest, s);
        return size;
    }

    public async Task<bool> LinkBlob(Digest digest, long size)
    {
        // The link statement records the repository itself, and only when it links.
        if (!await index.LinkBlobAsync(_name, digest, size)) return false;
        _version++;
        _blobs.Set(digest, size);
        return true;
    }

    public async Task<bool> UnlinkBlob(Digest digest)
    {
        var unlinked = await index.UnlinkBlobAsync(_name, digest);
        Invalidated();
        _blobs.Remove(digest);
        return unlinked;
    }

    public async Task<Digest?> ResolveTag(Tag tag)
    {
        if (_tags.TryGet(tag, out var cached)) return cached;
        var seen = _version;
        if (await index.GetTagAsync(_name, tag) is not { } digest) return null;
        if (seen == _version) _tags.Set(tag, digest);
        return digest;
    }

    public async Task PutTag(Tag tag, Digest digest)
    {
        await RegisterAsync();
        await index.PutTagAsync(_name, tag, digest);
        _version++;
        _tags.Set(tag, digest);
    }

    public async Task<bool> DeleteTag(Tag tag)
    {
        var deleted = await index.DeleteTagAsync(_name, tag);
        Invalidated();
        _tags.Remove(tag);
        return deleted;
    }

    public Task TagMoved(Tag tag, Digest digest)
    {
        // Dropped, not set: a DeleteTag that ran between the manifest's commit and this call would otherwise leave the
        // cache pointing at a tag the index no longer has. The next lookup reads the row.
        Invalidated();
        _tags.Remove(tag);
        return Task.CompletedTask;
    }

    public Task TagsRemoved(Tag[] tags)
    {
        Invalidated();
        foreach (var tag in tags) _tags.Remove(tag);
        return Task.CompletedTask;
    }

    public Task ForgetBlobs(Digest[] digests)
    {
        Invalidated();
        foreach (var digest in digests) _blobs.Remove(digest);
        return Task.CompletedTask;
    }

    // Called after a removal reached the index, never before: a read that interleaved during the removal may have
    // seen the old row; bumping the version then stops it caching that, and removing the key drops anything it
    // cached before this point. (Bumping only before the await let such a read cache a deleted tag for good.)
    private void Invalidated() => _version++;

    private async Task RegisterAsync()
    {
        if (_registered) return;
        await index.EnsureRepositoryAsync(_name);
        _registered = true;
    }
}
