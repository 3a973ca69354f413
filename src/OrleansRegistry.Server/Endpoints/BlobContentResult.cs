using Microsoft.AspNetCore.Http.Features;

namespace OrleansRegistry.Server.Endpoints;

/// <summary>
/// Sends a blob, or one byte range of it (206 with Content-Range), from a store stream over exactly those bytes. It reads
/// straight into large segments of Kestrel's response pipe, so each byte is copied once on its way to the
/// socket, and the working set stays one segment whatever the blob size.
/// </summary>
public sealed class BlobContentResult(Stream content, long size, long start, long length, bool partial) : IResult
{
    private const int SegmentSize = 1 << 20;

    public async Task ExecuteAsync(HttpContext context)
    {
        await using var _ = content;
        WriteHead(context.Response, size, start, length, partial);
        if (HttpMethods.IsHead(context.Request.Method) || length == 0) return;

        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        await CopyAsync(content, length, context);
    }

    /// <summary>
    /// Sends <paramref name="length"/> bytes of <paramref name="content"/> on the response; false when the client went
    /// away before all of them were taken.
    /// </summary>
    public static async Task<bool> CopyAsync(Stream content, long length, HttpContext context)
    {
        var writer = context.Response.BodyWriter;
        var ct = context.RequestAborted;
        var remaining = length;
        while (remaining > 0)
        {
            var memory = writer.GetMemory((int)Math.Min(SegmentSize, remaining));
            if (memory.Length > remaining) memory = memory[..(int)remaining];
            var read = await content.ReadAsync(memory, ct);
            if (read == 0) throw new EndOfStreamException($"blob ended {remaining} bytes early");
            writer.Advance(read);
            remaining -= read;
            var flush = await writer.FlushAsync(ct);
            if (flush.IsCanceled || flush.IsCompleted) return false;
        }
        return true;
    }

    /// <summary>Status, type, length and Content-Range of a blob response (200, or 206 for one range).</summary>
    public static void WriteHead(HttpResponse response, long size, long start, long length, bool partial)
    {
        response.StatusCode = partial ? StatusCodes.Status206PartialContent : StatusCodes.Status200OK;
        response.ContentType = "application/octet-stream";
        response.ContentLength = length;
        if (partial) response.Headers.ContentRange = $"bytes {start}-{start + length - 1}/{size}";
    }
}
