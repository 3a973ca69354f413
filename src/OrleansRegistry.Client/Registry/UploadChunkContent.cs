using System.Buffers;
using System.Net;
using System.Net.Http.Headers;
using OrleansRegistry.Client.Errors;

namespace OrleansRegistry.Client.Registry;

/// <summary>
/// A request body of exactly <c>length</c> bytes read from the caller's stream as it is sent (never buffered whole).
/// Failures of the source are recorded in <see cref="SourceFailure"/>: HttpClient wraps whatever the content throws,
/// and the upload must not "resume" a failure that another attempt would only repeat.
/// </summary>
internal sealed class UploadChunkContent : HttpContent
{
    private const int BufferSize = 256 * 1024;
    private readonly Stream _source;
    private readonly long _length;
    private readonly long _blobOffset;
    private readonly long _blobSize;
    private readonly IProgress<long>? _progress;

    /// <param name="blobOffset">Where in the blob this chunk starts, for progress and error messages.</param>
    public UploadChunkContent(Stream source, long length, long blobOffset, long blobSize, IProgress<long>? progress)
    {
        _source = source;
        _length = length;
        _blobOffset = blobOffset;
        _blobSize = blobSize;
        _progress = progress;
        Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        Headers.ContentLength = length;
    }

    /// <summary>The source stream failed or ended early; set before the exception reaches HttpClient.</summary>
    public Exception? SourceFailure { get; private set; }

    /// <summary>Sends <paramref name="request"/>; when its body is a chunk whose source failed, that failure is rethrown as itself.</summary>
    public static async Task<HttpResponseMessage> SendAsync(RegistryHttp http, HttpRequestMessage request, CancellationToken ct)
    {
        try
        {
            return await http.SendAsync(request, ct).ConfigureAwait(false);
        }
        catch (Exception) when (request.Content is UploadChunkContent { SourceFailure: { } source })
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(source);
            throw; // unreachable
        }
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken ct)
    {
        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Min(BufferSize, Math.Max(_length, 1)));
        try
        {
            long sent = 0;
            while (sent < _length)
            {
                int read;
                try
                {
                    read = await _source.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, _length - sent)), ct)
                        .ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    SourceFailure = e;
                    throw;
                }
                if (read == 0)
                {
                    var failure = new SizeMismatchException(_blobSize, _blobOffset + sent, "upload source");
                    SourceFailure = failure;
                    throw failure;
                }
                await stream.WriteAsync(buffer.AsMemory(0, read), ct).ConfigureAwait(false);
                sent += read;
                _progress?.Report(_blobOffset + sent);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = _length;
        return true;
    }
}
