using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using OrleansRegistry.Server.Tests.Infrastructure;
using static OrleansRegistry.Server.Tests.Limits.ConnectionLimitsFixture;

namespace OrleansRegistry.Server.Tests.Limits;

/// <summary>
/// Slow and idle clients (<c>Registry:Limits</c> data rate and timeouts) against the real server: a body trickling in
/// below the minimum rate is cut off while a normal upload beside it completes, and thousands of idle connections
/// neither stop a normal request nor outlive the header timeout. Waits are bounded, never asserted on.
/// </summary>
public sealed class ConnectionLimitTests(ConnectionLimitsFixture fixture) : IClassFixture<ConnectionLimitsFixture>
{
    /// <summary>Idle connections the test opens (the test host and the server each raise their descriptor limit to the hard one: 20000 here).</summary>
    private const int IdleConnections = 2000;

    private static readonly TimeSpan CutOffBound = TimeSpan.FromSeconds(60);

    // Well above the configured 3 s, below Kestrel's defaults (30 s for headers, 130 s keep-alive): the settings decide.
    private static readonly TimeSpan IdleBound = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task A_body_below_the_minimum_rate_is_cut_off_while_a_normal_upload_completes()
    {
        using var client = NewClient();
        var repo = TestImages.UniqueRepo("limits/slow");
        var (slowLocation, _) = await TestImages.StartUploadAsync(client, repo);
        using var before = await client.GetAsync(slowLocation);
        var rangeBefore = TestImages.HeaderValue(before, "Range");

        // The slow client: a PATCH declaring 1 MB that sends 50 bytes every 200 ms (250 bytes/s; Kestrel's default
        // minimum, 240 bytes/s, would let it go on: the configured 5000 bytes/s decides).
        using var slow = await ConnectAsync();
        var stream = new NetworkStream(slow);
        var head = $"PATCH {slowLocation} HTTP/1.1\r\nHost: {fixture.Registry.HostPort}\r\n" +
                   "Content-Type: application/octet-stream\r\nContent-Length: 1000000\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
        var trickle = TrickleUntilCutOffAsync(slow, stream);

        // A normal upload meanwhile: 8 MiB in one PATCH, then the PUT that finishes it.
        var data = TestImages.RandomBytes(8 * 1024 * 1024, 61);
        var (location, _) = await TestImages.StartUploadAsync(client, repo);
        using (var patch = await client.PatchAsync(location, new ByteArrayContent(data)))
            Assert.Equal(HttpStatusCode.Accepted, patch.StatusCode);
        using (var put = await client.PutAsync(TestImages.WithDigest(location, TestImages.Digest(data)), null))
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);

        var (cutOff, sent) = await trickle;
        Assert.True(cutOff, $"the server still read a 250 bytes/s body after {CutOffBound.TotalSeconds} s ({sent} bytes sent)");
        Assert.True(sent < 1_000_000);

        // The slow chunk committed nothing: the session is where it was.
        using var after = await client.GetAsync(slowLocation);
        Assert.Contains(after.StatusCode, new[] { HttpStatusCode.NoContent, HttpStatusCode.NotFound });
        if (after.StatusCode == HttpStatusCode.NoContent) Assert.Equal(rangeBefore, TestImages.HeaderValue(after, "Range"));
        using var blob = await client.GetAsync($"v2/{repo}/blobs/{TestImages.Digest(data)}");
        Assert.Equal(data, await blob.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Thousands_of_idle_connections_do_not_stop_a_request_and_are_closed_after_the_header_timeout()
    {
        var idle = new List<Socket>(IdleConnections);
        try
        {
            for (var i = 0; i < IdleConnections; i++)
            {
                var socket = await ConnectAsync();
                idle.Add(socket);
                // Half never send a byte; half start a request and stop in the middle of its headers (slowloris).
                if (i % 2 == 1) await socket.SendAsync(Encoding.ASCII.GetBytes("GET /v2/ HTTP/1.1\r\nHost: x\r\n"));
            }

            using var client = NewClient();
            using var served = await client.GetAsync("v2/");
            Assert.Equal(HttpStatusCode.OK, served.StatusCode);

            // Every idle connection is closed by the server (end of stream, or a reset) within the bound.
            using var bound = new CancellationTokenSource(IdleBound);
            var closed = await Task.WhenAll(idle.Select(socket => ClosedByServerAsync(socket, bound.Token)));
            Assert.Equal(IdleConnections, closed.Count(c => c));
        }
        finally
        {
            foreach (var socket in idle) socket.Dispose();
        }
    }

    private async Task<(bool CutOff, long Sent)> TrickleUntilCutOffAsync(Socket socket, NetworkStream stream)
    {
        var chunk = new byte[50];
        long sent = 0;
        var watch = Stopwatch.StartNew();
        var response = new byte[4096];
        var reading = stream.ReadAsync(response).AsTask();
        while (watch.Elapsed < CutOffBound)
        {
            // The server answering (408) or closing the connection is the cut-off.
            if (reading.IsCompleted) return (true, sent);
            try
            {
                await stream.WriteAsync(chunk);
                sent += chunk.Length;
            }
            catch (IOException) { return (true, sent); }
            await Task.WhenAny(reading, Task.Delay(200));
        }
        socket.Close();
        return (false, sent);
    }

    private static async Task<bool> ClosedByServerAsync(Socket socket, CancellationToken ct)
    {
        var buffer = new byte[1024];
        try
        {
            // A partial request may first get its 408 answer; then the end of the stream.
            while (await socket.ReceiveAsync(buffer, ct) > 0) { }
            return true;
        }
        catch (SocketException) { return true; }
        catch (OperationCanceledException) { return false; }
    }

    private async Task<Socket> ConnectAsync()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, fixture.Registry.BaseAddress.Port));
        return socket;
    }

    // Pooled connections idle no longer than the server keeps them, so none is reused just as the server closes it.
    private HttpClient NewClient() => new(new SocketsHttpHandler { PooledConnectionIdleTimeout = TimeSpan.FromSeconds(1) })
    {
        BaseAddress = fixture.Registry.BaseAddress,
        Timeout = TimeSpan.FromMinutes(2),
    };
}
