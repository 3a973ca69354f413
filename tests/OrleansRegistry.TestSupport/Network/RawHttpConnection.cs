using System.Net.Sockets;
using System.Text;

namespace OrleansRegistry.TestSupport.Network;

/// <summary>
/// One HTTP/1.1 connection over a raw socket, so a test sends exactly the bytes it means: bodies longer or shorter
/// than their Content-Length, NUL bytes, backslashes and unnormalised paths (HttpClient would refuse or rewrite them),
/// a body held back on cue, or a connection dropped mid-body. Every wait is bounded by the given timeout.
/// </summary>
public sealed class RawHttpConnection : IAsyncDisposable
{
    private readonly TcpClient _tcp;
    private readonly NetworkStream _stream;
    private readonly List<byte> _received = [];

    private RawHttpConnection(TcpClient tcp)
    {
        _tcp = tcp;
        _stream = tcp.GetStream();
    }

    public static async Task<RawHttpConnection> OpenAsync(Uri server, TimeSpan timeout)
    {
        var tcp = new TcpClient { NoDelay = true };
        try
        {
            await tcp.ConnectAsync(server.Host, server.Port).WaitAsync(timeout);
            return new RawHttpConnection(tcp);
        }
        catch
        {
            tcp.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Opens a connection and sends a request head (request line and headers, each line ended by CRLF; Host and the
    /// blank line are added) followed by <paramref name="body"/>, which need not match any Content-Length given.
    /// </summary>
    public static async Task<RawHttpConnection> SendAsync(Uri server, string requestLine, IEnumerable<string> headers,
        ReadOnlyMemory<byte> body, TimeSpan timeout)
    {
        var connection = await OpenAsync(server, timeout);
        var head = new StringBuilder(requestLine).Append("\r\n").Append($"Host: {server.Host}:{server.Port}\r\n");
        foreach (var header in headers) head.Append(header).Append("\r\n");
        head.Append("\r\n");
        // Latin-1 keeps every char below 256 as one byte, so a test can put NUL or raw 0x80+ bytes in a path.
        await connection.SendAsync(Encoding.Latin1.GetBytes(head.ToString()));
        if (!body.IsEmpty) await connection.SendAsync(body);
        return connection;
    }

    public async Task SendAsync(ReadOnlyMemory<byte> bytes)
    {
        await _stream.WriteAsync(bytes);
        await _stream.FlushAsync();
    }

    /// <summary>Closes the sending side (FIN): the server sees the end of the body, whatever Content-Length promised.</summary>
    public void EndSending() => _tcp.Client.Shutdown(SocketShutdown.Send);

    /// <summary>Resets the connection, as a crashed client or a cut network would.</summary>
    public void Drop()
    {
        _tcp.LingerState = new LingerOption(true, 0);
        _tcp.Close();
    }

    /// <summary>The status code and headers (lower-cased names) of the next response; its body stays unread.</summary>
    public async Task<(int Status, Dictionary<string, string> Headers)> ReadResponseHeadAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        int end;
        while ((end = IndexOf(_received, "\r\n\r\n"u8)) < 0)
            await ReceiveAsync("the response head", cts.Token);
        var lines = Encoding.Latin1.GetString(_received.GetRange(0, end).ToArray()).Split("\r\n");
        _received.RemoveRange(0, end + 4);
        var status = int.Parse(lines[0].Split(' ')[1]);
        var headers = new Dictionary<string, string>();
        foreach (var pair in lines.Skip(1).Select(l => l.Split(':', 2)))
            headers[pair[0].Trim().ToLowerInvariant()] = pair.Length > 1 ? pair[1].Trim() : "";
        return (status, headers);
    }

    /// <summary>
    /// The next whole response: head, then a body framed by Content-Length, chunked coding or the close.
    /// <paramref name="toHead"/>: the request was a HEAD, whose response has no body whatever its headers say.
    /// </summary>
    public async Task<RawHttpResponse> ReadResponseAsync(TimeSpan timeout, bool toHead = false)
    {
        using var cts = new CancellationTokenSource(timeout);
        var (status, headers) = await ReadResponseHeadAsync(timeout);
        byte[] body;
        if (toHead)
            body = [];
        else if (headers.TryGetValue("content-length", out var length))
            body = await TakeAsync(long.Parse(length), cts.Token);
        else if (headers.TryGetValue("transfer-encoding", out var coding) && coding.Contains("chunked", StringComparison.OrdinalIgnoreCase))
            body = await ReadChunkedAsync(cts.Token);
        else if (status is 204 or 304 or (>= 100 and < 200))
            body = [];
        else
        {
            while (await ReceiveAsync(null, cts.Token)) { }
            body = _received.ToArray();
            _received.Clear();
        }
        return new RawHttpResponse(status, headers, body);
    }

    /// <summary>True once the server has closed the connection (reads return end of stream) within the timeout.</summary>
    public async Task<bool> IsClosedByServerAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            while (await ReceiveAsync(null, cts.Token)) { }
            return true;
        }
        catch (OperationCanceledException) { return false; }
        catch (IOException) { return true; } // reset
    }

    private async Task<byte[]> ReadChunkedAsync(CancellationToken cancel)
    {
        var body = new List<byte>();
        while (true)
        {
            int lineEnd;
            while ((lineEnd = IndexOf(_received, "\r\n"u8)) < 0) await ReceiveAsync("a chunk size", cancel);
            var sizeText = Encoding.ASCII.GetString(_received.GetRange(0, lineEnd).ToArray()).Split(';')[0];
            _received.RemoveRange(0, lineEnd + 2);
            var size = Convert.ToInt64(sizeText.Trim(), 16);
            body.AddRange(await TakeAsync(size + 2, cancel)); // the chunk and its CRLF
            body.RemoveRange(body.Count - 2, 2);
            if (size == 0) return body.ToArray(); // trailers are not used by the registry
        }
    }

    private async Task<byte[]> TakeAsync(long count, CancellationToken cancel)
    {
        while (_received.Count < count) await ReceiveAsync($"{count} body bytes", cancel);
        var taken = _received.GetRange(0, (int)count).ToArray();
        _received.RemoveRange(0, (int)count);
        return taken;
    }

    /// <summary>Reads once; false at the end of the stream, or throws naming <paramref name="expecting"/> when given.</summary>
    private async Task<bool> ReceiveAsync(string? expecting, CancellationToken cancel)
    {
        var buffer = new byte[16 * 1024];
        var read = await _stream.ReadAsync(buffer, cancel);
        if (read == 0)
        {
            if (expecting is null) return false;
            throw new IOException($"connection closed before {expecting}; got: {Encoding.Latin1.GetString(_received.ToArray())}");
        }
        _received.AddRange(buffer.AsSpan(0, read).ToArray());
        return true;
    }

    private static int IndexOf(List<byte> haystack, ReadOnlySpan<byte> needle)
    {
        for (var i = 0; i + needle.Length <= haystack.Count; i++)
        {
            var match = true;
            for (var j = 0; j < needle.Length && match; j++) match = haystack[i + j] == needle[j];
            if (match) return i;
        }
        return -1;
    }

    public ValueTask DisposeAsync()
    {
        _tcp.Dispose();
        return ValueTask.CompletedTask;
    }
}
