using System.IO.Pipelines;
using Microsoft.AspNetCore.Http.Features;

namespace OrleansRegistry.Server.Observability;

/// <summary>
/// The server's response body feature with every byte written through it counted, whichever way the endpoint
/// writes: the <see cref="Stream"/>, the <see cref="Writer"/> (blob downloads) or <see cref="SendFileAsync"/>.
/// Everything else (starting, completing, buffering) is the server's own.
/// </summary>
public sealed class ByteCountingResponseBody(IHttpResponseBodyFeature inner, Action<long> counted) : IHttpResponseBodyFeature
{
    private Stream? _stream;
    private PipeWriter? _writer;

    public Stream Stream => _stream ??= new ByteCountingStream(inner.Stream, counted);

    public PipeWriter Writer => _writer ??= new ByteCountingPipeWriter(inner.Writer, counted);

    public void DisableBuffering() => inner.DisableBuffering();

    public Task StartAsync(CancellationToken cancellationToken = default) => inner.StartAsync(cancellationToken);

    public async Task SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken = default)
    {
        await inner.SendFileAsync(path, offset, count, cancellationToken);
        counted(count ?? new FileInfo(path).Length - offset);
    }

    public Task CompleteAsync() => inner.CompleteAsync();
}
