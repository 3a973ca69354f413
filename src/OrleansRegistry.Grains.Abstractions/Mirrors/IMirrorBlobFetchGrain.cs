using Orleans.Concurrency;
using OrleansRegistry.Core;

namespace OrleansRegistry.Grains.Abstractions.Mirrors;

/// <summary>
/// The one fetch of one upstream blob in the whole cluster (key <c>{mirror}@{digest}</c>; see
/// <see cref="RegistryGrains.MirrorBlobFetch"/>). It writes the upstream's bytes into an upload of the blob store while
/// they are verified, and commits the blob only when the digest matched. Readers on any silo learn from it how many
/// bytes have arrived and read those from the store themselves: no blob byte travels in a grain message. In memory
/// only: a silo that dies mid-fetch takes the fetch with it, and the next request starts a new one wherever the grain
/// is activated again (the half-written upload data is removed by the upload expiry sweep).
/// </summary>
[Alias("IMirrorBlobFetchGrain")]
public interface IMirrorBlobFetchGrain : IGrainWithStringKey
{
    /// <summary>
    /// Joins the fetch, starting it when none runs, and returns once the upstream has answered with the blob's size
    /// (so a reader can start its response at once). <paramref name="repository"/> is the local repository the blob
    /// is linked into once committed; <paramref name="upstreamRepository"/> its name upstream. Fails with the
    /// upstream's BLOB_UNKNOWN as itself, or UNAVAILABLE when the upstream cannot be reached.
    /// </summary>
    [AlwaysInterleave, Alias("Join")]
    Task<BlobFetchProgress> Join(RepositoryName repository, RepositoryName upstreamRepository);

    /// <summary>
    /// The progress once more than <paramref name="arrived"/> bytes are readable or the fetch ended; after a few
    /// seconds without either, the progress as it is (the caller asks again).
    /// </summary>
    [AlwaysInterleave, Alias("WaitForProgress")]
    Task<BlobFetchProgress> WaitForProgress(long arrived);
}
