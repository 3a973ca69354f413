using System.Net;
using System.Net.Sockets;

namespace OrleansRegistry.TestSupport.Network;

/// <summary>
/// An HTTP client whose connections leave from a given loopback address (127.0.0.0/8 is all loopback on Linux), so
/// that one test machine plays many client addresses.
/// </summary>
public sealed class SourcedClient(Uri registry, IPAddress source) : IDisposable
{
    private readonly HttpClient _http = new(new SocketsHttpHandler
    {
        ConnectCallback = async (context, ct) =>
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                socket.Bind(new IPEndPoint(source, 0));
                await socket.ConnectAsync(context.DnsEndPoint, ct);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    }) { BaseAddress = registry, Timeout = TimeSpan.FromMinutes(1) };

    public SourcedClient(Uri registry, string source) : this(registry, IPAddress.Parse(source)) { }

    public HttpClient Http => _http;

    public void Dispose() => _http.Dispose();
}
