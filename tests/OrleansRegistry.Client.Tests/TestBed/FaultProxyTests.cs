using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using OrleansRegistry.TestSupport.Network;

namespace OrleansRegistry.Client.Tests.TestBed;

/// <summary>
/// The fault proxy the mirror's tests put between the registry and its upstream, against a tiny loopback HTTP server
/// that answers every request with one fixed body and closes: it forwards byte for byte and counts, and each fault
/// does what it says, seen from the client (a short body, a refused connect, a lower bound on the time, no bytes).
/// </summary>
public sealed class FaultProxyTests : IAsyncLifetime
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(10);
    private static readonly byte[] Request = "GET /blob HTTP/1.1\r\nHost: upstream\r\n\r\n"u8.ToArray();
    private readonly FixedResponseServer _server = new(TestData.RandomBytes(48 * 1024, seed: 901));
    private FaultProxy _proxy = null!;

    public async Task InitializeAsync() => _proxy = await FaultProxy.StartAsync(_server.HostPort);

    public async Task DisposeAsync()
    {
        await _proxy.DisposeAsync();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task Passes_both_directions_through_byte_for_byte_and_counts_them()
    {
        using var http = new HttpClient { Timeout = Limit };

        var body = await http.GetByteArrayAsync($"http://{_proxy.HostPort}/blob");

        Assert.Equal(_server.Body, body);
        await Eventually.TrueAsync(() => _proxy.BytesToClient == _server.Response.Length, Limit, "every response byte counted");
        Assert.True(_proxy.BytesToTarget > 0);
        Assert.Equal(1L, _proxy.Connections);
    }

    [Fact]
    public async Task A_cut_once_ends_the_first_response_after_exactly_N_bytes_and_spares_the_next()
    {
        _proxy.CutResponses(1_000);

        var (first, firstReset) = await ExchangeAsync();
        var (second, _) = await ExchangeAsync();

        Assert.False(firstReset); // the end of the stream, as a target that closed would leave it
        Assert.Equal(_server.Response[..1_000], first);
        Assert.Equal(_server.Response, second);
    }

    [Fact]
    public async Task A_cut_of_every_connection_truncates_each_body_an_HTTP_client_reads()
    {
        _proxy.CutResponses(_server.Response.Length - 10_000, everyConnection: true);
        using var http = new HttpClient { Timeout = Limit };

        for (var i = 0; i < 2; i++)
        {
            // Content-Length promised more than came: the client must see a broken body, not a short one.
            var error = await Assert.ThrowsAnyAsync<Exception>(() => http.GetByteArrayAsync($"http://{_proxy.HostPort}/blob"));
            Assert.True(error is HttpRequestException or IOException, error.ToString());
        }
        Assert.Equal(2L, _proxy.Connections);
    }

    [Fact]
    public async Task A_cut_with_reset_resets_the_client_after_at_most_N_bytes()
    {
        _proxy.CutResponses(2_000, reset: true);

        var (received, reset) = await ExchangeAsync();

        Assert.True(reset || received.Length == 2_000, $"reset: {reset}, received {received.Length} bytes");
        Assert.True(received.Length <= 2_000);
    }

    [Fact]
    public async Task A_throttled_response_takes_at_least_its_size_over_the_rate()
    {
        const int rate = 64 * 1024;
        _proxy.Throttle(rate);

        var watch = Stopwatch.StartNew();
        var (received, _) = await ExchangeAsync();
        watch.Stop();

        Assert.Equal(_server.Response, received);
        var floor = TimeSpan.FromSeconds((double)_server.Response.Length / rate) - TimeSpan.FromMilliseconds(20); // tick granularity
        Assert.True(watch.Elapsed >= floor, $"{_server.Response.Length} bytes at {rate} B/s took {watch.Elapsed}, less than {floor}");
    }

    [Fact]
    public async Task Refusing_makes_connecting_fail_until_pass_through_listens_again_on_the_same_port()
    {
        _proxy.Refuse();
        using var tcp = new TcpClient();
        var error = await Assert.ThrowsAsync<SocketException>(() => tcp.ConnectAsync(IPAddress.Loopback, _proxy.Port).WaitAsync(Limit));
        Assert.Equal(SocketError.ConnectionRefused, error.SocketErrorCode);

        _proxy.PassThrough();
        var (received, _) = await ExchangeAsync();
        Assert.Equal(_server.Response, received);
    }

    [Fact]
    public async Task A_stall_forwards_nothing_and_closes_nothing_until_pass_through()
    {
        _proxy.Stall();
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, _proxy.Port).WaitAsync(Limit);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Request);

        var buffer = new byte[1];
        var read = stream.ReadAsync(buffer).AsTask();
        await Task.Delay(300);
        Assert.False(read.IsCompleted, "a stalled connection sent something or closed");
        Assert.Equal(0L, _proxy.BytesToTarget);

        _proxy.PassThrough();
        Assert.Equal(1, await read.WaitAsync(Limit));
        var rest = await ReadToEndAsync(stream);
        Assert.Equal(_server.Response, buffer.Concat(rest.Received).ToArray());
    }

    [Fact]
    public async Task Disposing_ends_a_stalled_connection_promptly()
    {
        using var tcp = await SendStalledAsync();

        var watch = Stopwatch.StartNew();
        await _proxy.DisposeAsync();
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"dispose took {watch.Elapsed}");

        var (received, _) = await ReadToEndAsync(tcp.GetStream());
        Assert.Empty(received);
    }

    [Fact]
    public async Task Dropping_resets_the_open_connections()
    {
        using var tcp = await SendStalledAsync();

        _proxy.DropConnections();

        var (received, reset) = await ReadToEndAsync(tcp.GetStream());
        Assert.Empty(received);
        Assert.True(reset, "the client saw a reset");
        await Eventually.TrueAsync(() => _proxy.OpenConnections == 0, Limit, "the dropped connection to be gone");
    }

    /// <summary>Stalls the proxy, then sends a request through it: a connection held open with nothing forwarded.</summary>
    private async Task<TcpClient> SendStalledAsync()
    {
        _proxy.Stall();
        var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, _proxy.Port).WaitAsync(Limit);
        await tcp.GetStream().WriteAsync(Request);
        await Eventually.TrueAsync(() => _proxy.OpenConnections == 1, Limit, "the proxy to hold the connection");
        return tcp;
    }

    /// <summary>One request over a fresh connection through the proxy; whatever came back until the end of the stream.</summary>
    private async Task<(byte[] Received, bool Reset)> ExchangeAsync()
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, _proxy.Port).WaitAsync(Limit);
        await tcp.GetStream().WriteAsync(Request);
        return await ReadToEndAsync(tcp.GetStream());
    }

    private static async Task<(byte[] Received, bool Reset)> ReadToEndAsync(NetworkStream stream)
    {
        using var cts = new CancellationTokenSource(Limit);
        var received = new MemoryStream();
        var buffer = new byte[8192];
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer, cts.Token)) > 0) received.Write(buffer, 0, read);
            return (received.ToArray(), false);
        }
        catch (IOException e) when (e.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionReset })
        {
            return (received.ToArray(), true);
        }
    }
}
