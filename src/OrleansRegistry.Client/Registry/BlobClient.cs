using System.Net;
using OrleansRegistry.Client.Errors;
using OrleansRegistry.Core;

namespace OrleansRegistry.Client.Registry;

/// <summary>The blobs of one repository over HTTP; see <see cref="IBlobClient"/> for the behaviour of each call.</summary>
public sealed class BlobClient : IBlobClient
{
    private readonly RegistryHttp _http;
    private readonly string _repository;

    internal BlobClient(RegistryHttp http, string repository)
    {
        _http = http;
        _repository = repository;
    }

    private Uri BlobUri(Digest digest) => _http.V2($"{_repository}/blobs/{digest}");

    private Uri UploadsUri => _http.V2($"{_repository}/blobs/uploads/");

    public async Task<long?> StatAsync(Digest digest, CancellationToken ct = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Head, BlobUri(digest));
        using var response = await _http.SendAsync(request, ct).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
            return null;
        if (response.StatusCode != HttpStatusCode.OK)
            throw await RegistryHttp.ErrorAsync(response, ct).ConfigureAwait(false);
        return response.Content.Headers.ContentLength
            ?? throw new UnexpectedStatusException(HttpMethod.Head, request.RequestUri, response.StatusCode,
                "HEAD of a blob without Content-Length", []);
    }

    public async Task<Stream> OpenReadAsync(Descriptor descriptor, IProgress<long>? progress = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        return await BlobReadStream.OpenAsync(_http, BlobUri(descriptor.Digest), descriptor.Digest, descriptor.Size, progress, ct)
            .ConfigureAwait(false);
    }

    public async Task<Stream> OpenReadAsync(Digest digest, IProgress<long>? progress = null, CancellationToken ct = default) =>
        await BlobReadStream.OpenAsync(_http, BlobUri(digest), digest, null, progress, ct).ConfigureAwait(false);

    public async Task<BlobUploadOutcome> UploadAsync(Descriptor descriptor, Stream content, IProgress<long>? progress = null,
        CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        ArgumentNullException.ThrowIfNull(content);
        ArgumentOutOfRangeException.ThrowIfNegative(descriptor.Size);
        if (await StatAsync(descriptor.Digest, ct).ConfigureAwait(false) is not null)
        {
            progress?.Report(descriptor.Size);
            return BlobUploadOutcome.Existed;
        }
        if (descriptor.Size < _http.Options.MonolithicThreshold)
        {
            await UploadMonolithicAsync(descriptor, content, progress, ct).ConfigureAwait(false);
            return BlobUploadOutcome.UploadedMonolithic;
        }
        await UploadChunkedAsync(descriptor, content, progress, ct).ConfigureAwait(false);
        return BlobUploadOutcome.UploadedChunked;
    }

    /// <summary>
    /// <c>POST ?digest=</c> with the body. The spec lets a registry answer 202 (a session) instead of 201, and
    /// distribution 2.8.2 does: then the body goes again in <c>PUT ?digest=</c> to that session, and this client
    /// remembers to send later blobs as <c>POST</c> + <c>PUT</c> at once. A source that cannot be rewound goes that way
    /// from the start, since its bytes could be sent only once.
    /// </summary>
    private async Task UploadMonolithicAsync(Descriptor descriptor, Stream content, IProgress<long>? progress, CancellationToken ct)
    {
        Uri location;
        if (content.CanSeek && !_http.MonolithicPostRefused)
        {
            var origin = content.Position;
            var body = new UploadChunkContent(content, descriptor.Size, 0, descriptor.Size, progress);
            using var post = new HttpRequestMessage(HttpMethod.Post,
                RegistryHttp.WithQuery(UploadsUri, "digest", descriptor.Digest.ToString())) { Content = body };
            HttpResponseMessage response;
            try
            {
                response = await SendChunkAsync(post, body, ct).ConfigureAwait(false);
            }
            catch (RegistryTransportException) when (!ct.IsCancellationRequested)
            {
                // distribution 2.8.2 answers 202 without reading the body and then closes the connection once its
                // buffers fill, so a body above a few hundred KiB dies with a broken pipe instead of showing the 202.
                // The source can be rewound: send it again as POST + PUT, as for any registry that refuses the POST.
                _http.MonolithicPostRefused = true;
                content.Position = origin;
                await UploadBySessionAsync(descriptor, content, progress, await StartSessionAsync(ct).ConfigureAwait(false), ct)
                    .ConfigureAwait(false);
                return;
            }
            using var _ = response;
            if (response.StatusCode == HttpStatusCode.Created)
            {
                CheckDigestHeader(response, descriptor.Digest);
                return;
            }
            if (response.StatusCode != HttpStatusCode.Accepted)
                throw await RegistryHttp.ErrorAsync(response, ct).ConfigureAwait(false);
            _http.MonolithicPostRefused = true;
            location = RegistryHttp.Location(response)
                ?? throw new UnexpectedStatusException(HttpMethod.Post, post.RequestUri, response.StatusCode, "202 without Location", []);
            content.Position = origin;
        }
        else
        {
            location = await StartSessionAsync(ct).ConfigureAwait(false);
        }
        await UploadBySessionAsync(descriptor, content, progress, location, ct).ConfigureAwait(false);
    }

    /// <summary>The whole blob as the body of <c>PUT ?digest=</c> to an open session; the session is cancelled on failure.</summary>
    private async Task UploadBySessionAsync(Descriptor descriptor, Stream content, IProgress<long>? progress, Uri location,
        CancellationToken ct)
    {
        var completed = false;
        try
        {
            var whole = new UploadChunkContent(content, descriptor.Size, 0, descriptor.Size, progress);
            using var put = new HttpRequestMessage(HttpMethod.Put, RegistryHttp.WithQuery(location, "digest", descriptor.Digest.ToString()))
            {
                Content = whole,
            };
            using var finished = await SendChunkAsync(put, whole, ct).ConfigureAwait(false);
            if (finished.StatusCode != HttpStatusCode.Created)
                throw await RegistryHttp.ErrorAsync(finished, ct).ConfigureAwait(false);
            completed = true;
            CheckDigestHeader(finished, descriptor.Digest);
        }
        finally
        {
            if (!completed)
                await CancelSessionQuietlyAsync(location).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// A session, <c>PATCH</c> chunks with <c>Content-Range</c>, then <c>PUT ?digest=</c>. When a chunk fails in
    /// transit or the registry refuses its range (416), the session's <c>Range</c> says what the registry holds and
    /// the source is rewound to there; a registry that gave the session up gets the blob again in a new session.
    /// </summary>
    private async Task UploadChunkedAsync(Descriptor descriptor, Stream content, IProgress<long>? progress, CancellationToken ct)
    {
        var origin = content.CanSeek ? content.Position : 0;
        var location = await StartSessionAsync(ct).ConfigureAwait(false);
        var completed = false;
        try
        {
            long offset = 0;
            var resumes = 0;
            while (offset < descriptor.Size)
            {
                var remaining = descriptor.Size - offset;
                var length = _http.Options.ChunkSize > 0 ? Math.Min(_http.Options.ChunkSize, remaining) : remaining;
                var (next, failure) = await SendPatchAsync(location, content, offset, length, descriptor.Size, progress, ct)
                    .ConfigureAwait(false);
                location = next;
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
                    (location, offset) = await GetStatusAsync(location, ct).ConfigureAwait(false);
                }
                catch (RegistryException e) when (e.Descriptor == ErrorCatalog.BlobUploadInvalid || e.Descriptor == ErrorCatalog.BlobUploadUnknown)
                {
                    // The session cannot go on: distribution 2.8.2 keeps part of a broken chunk but its signed _state
                    // still names the old offset, so it refuses the session from then on. Start over in a new one.
                    await CancelSessionQuietlyAsync(location).ConfigureAwait(false);
                    location = await StartSessionAsync(ct).ConfigureAwait(false);
                    offset = 0;
                }
                if (offset > descriptor.Size)
                    throw new SizeMismatchException(descriptor.Size, offset, $"upload session of blob {descriptor.Digest}");
                content.Position = origin + offset;
                progress?.Report(offset);
            }

            using var put = new HttpRequestMessage(HttpMethod.Put, RegistryHttp.WithQuery(location, "digest", descriptor.Digest.ToString()))
            {
                Content = new ByteArrayContent([]),
            };
            using var finished = await _http.SendAsync(put, ct).ConfigureAwait(false);
            if (finished.StatusCode != HttpStatusCode.Created)
                throw await RegistryHttp.ErrorAsync(finished, ct).ConfigureAwait(false);
            completed = true;
            CheckDigestHeader(finished, descriptor.Digest);
        }
        finally
        {
            // A failed or cancelled upload leaves no session behind to hold the registry's space until it expires.
            if (!completed)
                await CancelSessionQuietlyAsync(location).ConfigureAwait(false);
        }
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
            response = await SendChunkAsync(patch, chunk, ct).ConfigureAwait(false);
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

    /// <summary>Sends a request whose body is the caller's stream; a failure of that stream is rethrown as itself.</summary>
    private async Task<HttpResponseMessage> SendChunkAsync(HttpRequestMessage request, UploadChunkContent body, CancellationToken ct)
    {
        try
        {
            return await _http.SendAsync(request, ct).ConfigureAwait(false);
        }
        catch (Exception) when (body.SourceFailure is { } source)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(source);
            throw; // unreachable
        }
    }

    private async Task<Uri> StartSessionAsync(CancellationToken ct)
    {
        using var post = new HttpRequestMessage(HttpMethod.Post, UploadsUri) { Content = new ByteArrayContent([]) };
        using var response = await _http.SendExpectingAsync(post, HttpCompletionOption.ResponseContentRead,
            [HttpStatusCode.Accepted], ct).ConfigureAwait(false);
        return RegistryHttp.Location(response)
            ?? throw new UnexpectedStatusException(HttpMethod.Post, post.RequestUri, response.StatusCode, "202 without Location", []);
    }

    /// <summary>The session's status (spec end-13): how many bytes the registry holds, and where to send the next chunk.</summary>
    private async Task<(Uri Location, long Offset)> GetStatusAsync(Uri location, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, location);
        using var response = await _http.SendExpectingAsync(request, HttpCompletionOption.ResponseContentRead,
            [HttpStatusCode.NoContent, HttpStatusCode.OK], ct).ConfigureAwait(false);
        return (RegistryHttp.Location(response) ?? location, UploadRange.Committed(response) ?? 0);
    }

    private async Task CancelSessionQuietlyAsync(Uri location)
    {
        try
        {
            // Not the caller's token: cleanup must run after the caller cancelled; bounded so it cannot hang the caller.
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            using var request = new HttpRequestMessage(HttpMethod.Delete, location);
            using var response = await _http.Auth.SendAsync(request, HttpCompletionOption.ResponseContentRead, timeout.Token)
                .ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or IOException or OperationCanceledException)
        {
            // The session expires on the registry; the caller's error matters more.
        }
    }

    public async Task<bool> MountAsync(Digest digest, string fromRepository, CancellationToken ct = default)
    {
        if (!RepositoryName.IsValid(fromRepository))
            throw new ArgumentException($"'{fromRepository}' is not a valid repository name", nameof(fromRepository));
        var uri = RegistryHttp.WithQuery(RegistryHttp.WithQuery(UploadsUri, "mount", digest.ToString()), "from", fromRepository);
        using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new ByteArrayContent([]) };
        using var response = await _http.SendExpectingAsync(request, HttpCompletionOption.ResponseContentRead,
            [HttpStatusCode.Created, HttpStatusCode.Accepted], ct).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.Created)
            return true;
        if (RegistryHttp.Location(response) is { } location)
            await CancelSessionQuietlyAsync(location).ConfigureAwait(false);
        return false;
    }

    public async Task DeleteAsync(Digest digest, CancellationToken ct = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Delete, BlobUri(digest));
        using var response = await _http.SendExpectingAsync(request, HttpCompletionOption.ResponseContentRead,
            [HttpStatusCode.Accepted, HttpStatusCode.NoContent, HttpStatusCode.OK], ct).ConfigureAwait(false);
    }

    /// <summary>A registry that says it stored the blob under another digest stored something else.</summary>
    private static void CheckDigestHeader(HttpResponseMessage response, Digest expected)
    {
        if (RegistryHttp.Header(response, "Docker-Content-Digest") is { } header
            && Digest.TryParse(header, out var reported) && reported != expected)
            throw new DigestMismatchException(expected, reported, "blob stored by the registry");
    }
}
