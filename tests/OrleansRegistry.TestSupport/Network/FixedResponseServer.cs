using System.Net;
using System.Net.Sockets;
using System.Text;

namespace OrleansRegistry.TestSupport.Network;

/// <summary>
/// An HTTP/1.1 server on a loopback port that reads one request head per connection, sends the same
/// <see cref="Response"/> to every request (by default 200 with <see cref="Body"/>; or any status and headers, e.g. a
/// registry refusing with 429 and Retry-After) and closes. For what no real peer here can be made to answer.
/// </summary>
public sealed class FixedResponseServer : IAsyncDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(10);
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _connections = [];
    private readonly Task _accepting;
    private long _requests;

    public FixedResponseServer(byte[] body, string status = "200 OK", IReadOnlyDictionary<string, string>? headers = null)
    {
        Body = body;
        var head = new StringBuilder($"HTTP/1.1 {status}\r\nContent-Length: {body.Length}\r\nConnection: close\r\n");
        foreach (var (name, value) in headers ?? new Dictionary<string, string>()) head.Append($"{name}: {value}\r\n");
        Response = [.. Encoding.ASCII.GetBytes(head.Append("\r\n").ToString()), .. body];
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public byte[] Body { get; }

    public byte[] Response { get; }

    public string HostPort => $"127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

    /// <summary>Requests answered so far.</summary>
    public long Requests => Interlocked.Read(ref _requests);

    private async Task AcceptAsync()
    {
        while (true)
        {
            TcpClient client;
            try { client = await _listener.AcceptTcpClientAsync(_stop.Token); }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException) { return; }
            lock (_connections) _connections.Add(AnswerAsync(client));
        }
    }

    private async Task AnswerAsync(TcpClient client)
    {
        using var _ = client;
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        cts.CancelAfter(Limit);
        try
        {
            var stream = client.GetStream();
            var head = new List<byte>();
            var buffer = new byte[1024];
            while (!Encoding.ASCII.GetString([.. head]).Contains("\r\n\r\n"))
            {
                var read = await stream.ReadAsync(buffer, cts.Token);
                if (read == 0) return;
                head.AddRange(buffer.AsSpan(0, read).ToArray());
            }
            Interlocked.Increment(ref _requests);
            await stream.WriteAsync(Response, cts.Token);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or SocketException) { }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        Task[] open;
        lock (_connections) open = [.. _connections];
        await Task.WhenAll(open).WaitAsync(Limit);
        _stop.Dispose();
    }
}
