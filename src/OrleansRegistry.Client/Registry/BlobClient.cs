using System.Net;
using OrleansRegistry.Client.Errors;
using OrleansRegistry.Core;

namespace OrleansRegistry.Client.Registry;

/// <summary>
/// The blobs of one repository over HTTP; see <see cref="IBlobClient"/> for the behaviour of each call. An upload goes
/// monolithic below <see cref="RegistryClientOptions.MonolithicThreshold"/> (BlobClient.Monolithic.cs), else in chunks
/// that resume (BlobClient.Chunked.cs); a mount is BlobClient.Mount.cs.
/// </summary>
public sealed partial class BlobClient : IBlobClient
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

    public async Task DeleteAsync(Digest digest, CancellationToken ct = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Delete, BlobUri(digest));
        using var response = await _http.SendExpectingAsync(request, HttpCompletionOption.ResponseContentRead,
            [HttpStatusCode.Accepted, HttpStatusCode.NoContent, HttpStatusCode.OK], ct).ConfigureAwait(false);
    }
}
