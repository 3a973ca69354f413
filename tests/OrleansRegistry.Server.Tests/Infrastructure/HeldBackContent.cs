using System.Net;

namespace OrleansRegistry.Server.Tests.Infrastructure;

/// <summary>
/// A request body that sends its first part, then holds the rest back until the test releases it: a chunk that is
/// in flight, deterministically, while the test kills or stops a silo.
/// </summary>
public sealed class HeldBackContent(byte[] data, int offset, int length, int sendFirst) : HttpContent
{
    private readonly TaskCompletionSource _firstSent = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes once the first part has been written to the connection.</summary>
    public Task FirstPartSent => _firstSent.Task;

    public void Release() => _release.TrySetResult();

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
    {
        await stream.WriteAsync(data.AsMemory(offset, sendFirst));
        await stream.FlushAsync();
        _firstSent.TrySetResult();
        await _release.Task.WaitAsync(TimeSpan.FromMinutes(2));
        await stream.WriteAsync(data.AsMemory(offset + sendFirst, length - sendFirst));
    }

    protected override bool TryComputeLength(out long length)
    {
        length = data.Length;
        return false; // the caller sets Content-Length
    }
}
