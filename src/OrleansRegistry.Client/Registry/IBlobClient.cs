using OrleansRegistry.Core;

namespace OrleansRegistry.Client.Registry;

/// <summary>The blobs of one repository (spec: "Pulling blobs", "Pushing blobs", "Deleting Blobs").</summary>
public interface IBlobClient
{
    /// <summary><c>HEAD</c>: the blob's size, or null when the repository does not have it.</summary>
    Task<long?> StatAsync(Digest digest, CancellationToken ct = default);

    /// <summary>
    /// <c>GET</c>: a stream over the blob that hashes and counts while the caller reads. At the end of the content it
    /// throws <see cref="Errors.DigestMismatchException"/> or <see cref="Errors.SizeMismatchException"/> when the
    /// content is wrong, so a caller that reads to the end has verified content. A connection that breaks mid-blob is
    /// resumed with a <c>Range</c> request from the byte where it broke (at most
    /// <see cref="RegistryClientOptions.MaxResumeAttempts"/> times). <paramref name="progress"/> gets the bytes read so far.
    /// </summary>
    Task<Stream> OpenReadAsync(Descriptor descriptor, IProgress<long>? progress = null, CancellationToken ct = default);

    /// <summary>As <see cref="OpenReadAsync(Descriptor, IProgress{long}?, CancellationToken)"/> when only the digest is known: the size checked is the response's Content-Length.</summary>
    Task<Stream> OpenReadAsync(Digest digest, IProgress<long>? progress = null, CancellationToken ct = default);

    /// <summary>
    /// Pushes <paramref name="descriptor"/>.Size bytes read from <paramref name="content"/>: <c>HEAD</c> first and
    /// nothing more when the blob exists; a monolithic <c>POST ?digest=</c> below
    /// <see cref="RegistryClientOptions.MonolithicThreshold"/>; otherwise <c>PATCH</c> chunks, and after a broken
    /// connection or a refused chunk the upload asks the registry how much it holds (<c>GET</c> of the session's
    /// <c>Range</c>) and resumes from there, which needs a seekable <paramref name="content"/>; then <c>PUT ?digest=</c>.
    /// The registry verifies the digest. <paramref name="progress"/> gets the bytes sent (or known committed) so far.
    /// </summary>
    Task<BlobUploadOutcome> UploadAsync(Descriptor descriptor, Stream content, IProgress<long>? progress = null,
        CancellationToken ct = default);

    /// <summary>
    /// Cross-repository mount (<c>POST ?mount=&amp;from=</c>): true when the registry linked the blob (201); false when it
    /// opened an upload session instead (202), which this call cancels again.
    /// </summary>
    Task<bool> MountAsync(Digest digest, string fromRepository, CancellationToken ct = default);

    /// <summary><c>DELETE</c> of the blob from this repository.</summary>
    Task DeleteAsync(Digest digest, CancellationToken ct = default);
}
