using System.Net;
using OrleansRegistry.Client.Errors;
using OrleansRegistry.Core;

namespace OrleansRegistry.Client.Registry;

/// <summary>
/// A blob download as a read-only stream: every byte handed to the caller is hashed and counted, the end of the
/// content is checked against the digest and size, and a connection that breaks mid-blob is replaced by a
/// <c>Range: bytes=&lt;position&gt;-</c> request, so the caller sees one continuous, verified stream.
/// </summary>
internal sealed class BlobReadStream : Stream
{
    private readonly RegistryHttp _http;
    private readonly Uri _uri;
    private readonly Digest _digest;
    private readonly IProgress<long>? _progress;
    private readonly DigestHasher _hasher;
    private long? _size;
    private HttpResponseMessage _response;
    private Stream _body;
    private long _position;
    private int _resumes;
    private bool _verified;
    private bool _disposed;

    private BlobReadStream(RegistryHttp http, Uri uri, Digest digest, long? size, IProgress<long>? progress,
        HttpResponseMessage response, Stream body)
    {
        _http = http;
        _uri = uri;
        _digest = digest;
        _size = size;
        _progress = progress;
        _response = response;
        _body = body;
        _hasher = DigestHasher.Create(digest.Algorithm);
    }

    /// <summary>Sends the first GET (errors surface here, before the caller gets a stream).</summary>
    public static async Task<BlobReadStream> OpenAsync(RegistryHttp http, Uri uri, Digest digest, long? size,
        IProgress<long>? progress, CancellationToken ct)
    {
        if (!digest.IsSupported)
            throw new ArgumentException($"cannot verify a blob with digest {digest}: only sha256 and sha512 are supported", nameof(digest));
        var response = await SendAsync(http, uri, 0, ct).ConfigureAwait(false);
        try
        {
            if (response.StatusCode != HttpStatusCode.OK)
                throw await RegistryHttp.ErrorAsync(response, ct).ConfigureAwait(false);
            size ??= response.Content.Headers.ContentLength;
            var body = await ReadBodyAsync(response, ct).ConfigureAwait(false);
            return new BlobReadStream(http, uri, digest, size, progress, response, body);
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    /// <summary>Resumes taken so far (0 for a download that never broke).</summary>
    public int Resumes => _resumes;

    public override bool CanRead => !_disposed;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => _size ?? throw new NotSupportedException("the registry did not say how long the blob is");

    public override long Position
    {
        get => _position;
        set => throw new NotSupportedException();
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_verified || buffer.IsEmpty)
            return 0;
        while (true)
        {
            int read;
            try
            {
                read = await _body.ReadAsync(buffer, ct).ConfigureAwait(false);
            }
            catch (Exception e) when (RegistryHttp.IsTransportFailure(e, ct))
            {
                await ResumeAsync(e, ct).ConfigureAwait(false);
                continue;
            }
            if (read == 0)
            {
                Verify();
                return 0;
            }
            if (_size is { } size && _position + read > size)
                throw new SizeMismatchException(size, _position + read, $"blob {_digest}");
            _hasher.Append(buffer.Span[..read]);
            _position += read;
            _progress?.Report(_position);
            return read;
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) =>
        ReadAsync(buffer.AsMemory(offset, count), ct).AsTask();

    // Synchronous readers (e.g. a tar reader) get the same behaviour; a resume needs a new request either way.
    public override int Read(byte[] buffer, int offset, int count) =>
        ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    private void Verify()
    {
        if (_size is { } size && _position != size)
            throw new SizeMismatchException(size, _position, $"blob {_digest}");
        var actual = _hasher.GetCurrentDigest();
        if (actual != _digest)
            throw new DigestMismatchException(_digest, actual, $"blob {_digest}");
        _verified = true;
    }

    /// <summary>Replaces the broken response by one that starts at <see cref="_position"/>; bounded by MaxResumeAttempts.</summary>
    private async Task ResumeAsync(Exception failure, CancellationToken ct)
    {
        while (true)
        {
            if (_resumes >= _http.Options.MaxResumeAttempts)
                throw new RegistryTransportException(
                    $"download of blob {_digest} broke at byte {_position} and could not be resumed ({_resumes} resumes): {failure.Message}",
                    failure);
            if (_resumes > 0)
                await Task.Delay(_http.Options.ResumeDelay * _resumes, ct).ConfigureAwait(false);
            _resumes++;
            _response.Dispose();
            try
            {
                var response = await SendAsync(_http, _uri, _position, ct).ConfigureAwait(false);
                _response = response;
                _body = await AcceptResumedAsync(response, ct).ConfigureAwait(false);
                return;
            }
            catch (Exception e) when (e is RegistryTransportException || RegistryHttp.IsTransportFailure(e, ct))
            {
                failure = e;
            }
        }
    }

    private async Task<Stream> AcceptResumedAsync(HttpResponseMessage response, CancellationToken ct)
    {
        if (response.StatusCode == HttpStatusCode.PartialContent)
        {
            var range = response.Content.Headers.ContentRange;
            if (range?.From != _position)
                throw new UnexpectedStatusException(HttpMethod.Get, _uri, response.StatusCode,
                    $"asked for bytes from {_position}, got Content-Range {range}", []);
            return await ReadBodyAsync(response, ct).ConfigureAwait(false);
        }
        if (response.StatusCode == HttpStatusCode.OK)
        {
            // A registry may ignore Range (RFC 9110, section 14.2): skip what the caller already has.
            var body = await ReadBodyAsync(response, ct).ConfigureAwait(false);
            await SkipAsync(body, _position, ct).ConfigureAwait(false);
            return body;
        }
        throw await RegistryHttp.ErrorAsync(response, ct).ConfigureAwait(false);
    }

    private static async Task SkipAsync(Stream body, long count, CancellationToken ct)
    {
        var buffer = new byte[81920];
        while (count > 0)
        {
            var read = await body.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, count)), ct).ConfigureAwait(false);
            if (read == 0)
                throw new IOException("the blob ended before the resume position");
            count -= read;
        }
    }

    private static async Task<HttpResponseMessage> SendAsync(RegistryHttp http, Uri uri, long from, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        if (from > 0)
            request.Headers.Range = new System.Net.Http.Headers.RangeHeaderValue(from, null);
        return await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
    }

    private static async Task<Stream> ReadBodyAsync(HttpResponseMessage response, CancellationToken ct)
    {
        try
        {
            return await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        }
        catch (Exception e) when (RegistryHttp.IsTransportFailure(e, ct))
        {
            throw RegistryHttp.Transport(HttpMethod.Get, response.RequestMessage?.RequestUri, e);
        }
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_disposed)
        {
            _disposed = true;
            _body.Dispose();
            _response.Dispose();
            _hasher.Dispose();
        }
        base.Dispose(disposing);
    }
}
