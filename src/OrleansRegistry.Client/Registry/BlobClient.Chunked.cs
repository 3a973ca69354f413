using System.Net;
using OrleansRegistry.Client.Errors;
using OrleansRegistry.Core;

namespace OrleansRegistry.Client.Registry;

/// <summary>The chunked upload, resumed where the registry says it holds the bytes.</summary>
public sealed partial class BlobClient
{
    /// <summary>
    /// A session, <c>PATCH</c> chunks with <c>Content-Range</c>, then <c>PUT ?digest=</c>. When a chunk fails in
    /// transit or the registry refuses its range (416), the session's <c>Range</c> says what the registry holds and
    /// the source is rewound to there; a registry that gave the session up gets the blob again in a new session.
    /// </summary>
    private async Task UploadChunkedAsync(Descriptor descriptor, Stream content, IProgress<long>? progress, CancellationToken ct)
    {
        var origin = content.CanSeek ? content.Position : 0;
        var session = await UploadSession.StartAsync(_http, UploadsUri, ct).ConfigureAwait(false);
        await using var _ = session.ConfigureAwait(false);
        long offset = 0;
        var resumes = 0;
        while (offset < descriptor.Size)
        {
            var remaining = descriptor.Size - offset;
            var length = _http.Options.ChunkSize > 0 ? Math.Min(_http.Options.ChunkSize, remaining) : remaining;
            var (next, failure) = await SendPatchAsync(session.Location, content, offset, length, descriptor.Size, progress, ct)
                .ConfigureAwait(false);
            session.Location = next;
            if (failure is null)
            {
                offset += length;
                continue;
            }

            // Resume: only a seekable source can go back to the registry's offset.
            if (!content.CanSeek || resumes >= _http.Options.MaxResumeAttempts)
                throw failure;
            if (resumes > 0)
                await Task.Delay(_http.Options.ResumeDelay * resumes, ct).ConfigureAwait(false);
            resumes++;
            try
            {
                offset = await session.GetOffsetAsync(ct).ConfigureAwait(false);
            }
            catch (RegistryException e) when (e.Descriptor == ErrorCatalog.BlobUploadInvalid || e.Descriptor == ErrorCatalog.BlobUploadUnknown)
            {
                // The session cannot go on: distribution 2.8.2 keeps part of a broken chunk but its signed _state
                // still names the old offset, so it refuses the session from then on. Start over in a new one.
                await session.StartOverAsync(ct).ConfigureAwait(false);
                offset = 0;
            }
            if (offset > descriptor.Size)
                throw new SizeMismatchException(descriptor.Size, offset, $"upload session of blob {descriptor.Digest}");
            content.Position = origin + offset;
            progress?.Report(offset);
        }
        await session.CompleteAsync(descriptor.Digest, whole: null, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// One <c>PATCH</c>. Returns the session's next location and, when the chunk did not land whole, the failure to
    /// resume from: a broken connection, a refused range (416), or a registry holding another amount than sent.
    /// Any other error response is thrown.
    /// </summary>
    private async Task<(Uri Location, Exception? Failure)> SendPatchAsync(Uri location, Stream content, long offset,
        long length, long blobSize, IProgress<long>? progress, CancellationToken ct)
    {
        var chunk = new UploadChunkContent(content, length, offset, blobSize, progress);
        using var patch = new HttpRequestMessage(HttpMethod.Patch, location) { Content = chunk };
        // The spec's form, "<start>-<end>" without a unit; .NET's typed header would write "bytes a-b/*".
        chunk.Headers.TryAddWithoutValidation("Content-Range", $"{offset}-{offset + length - 1}");
        HttpResponseMessage response;
        try
        {
            response = await UploadChunkContent.SendAsync(_http, patch, ct).ConfigureAwait(false);
        }
        catch (RegistryTransportException e)
        {
            return (location, e);
        }
        using (response)
        {
            if (response.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable)
                return (location, await RegistryHttp.ErrorAsync(response, ct).ConfigureAwait(false));
            if (response.StatusCode != HttpStatusCode.Accepted)
                throw await RegistryHttp.ErrorAsync(response, ct).ConfigureAwait(false);
            var next = RegistryHttp.Location(response) ?? location;
            var committed = UploadRange.Committed(response) ?? offset + length;
            return committed == offset + length
                ? (next, null)
                : (next, new UnexpectedStatusException(HttpMethod.Patch, patch.RequestUri, response.StatusCode,
                    $"the registry holds {committed} bytes after a chunk ending at {offset + length}", []));
        }
    }
}
