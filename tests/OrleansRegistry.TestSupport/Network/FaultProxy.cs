using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace OrleansRegistry.TestSupport.Network;

/// <summary>
/// A TCP proxy on 127.0.0.1 in front of one target (an upstream registry), told at run time how to misbehave, so a
/// test plays an upstream that is down, dies mid-blob, is slow, or hangs:
/// <list type="bullet">
/// <item><see cref="PassThrough"/> (the start state): forwards both ways, and undoes every fault below;</item>
/// <item><see cref="Refuse"/>: stops listening, so new connections are refused (ECONNREFUSED); open ones go on;</item>
/// <item><see cref="CutResponses"/>: a connection's response direction (target to client) ends after N more bytes, once or on every connection;</item>
/// <item><see cref="Throttle"/>: the response direction of each connection runs at B bytes/s at most;</item>
/// <item><see cref="Stall"/>: nothing is forwarded either way (connections stay open) until <see cref="PassThrough"/>;</item>
/// <item><see cref="DropConnections"/>: resets every open connection now.</item>
/// </list>
/// The port is below the ephemeral range (<see cref="LoopbackPorts"/>) and kept across <see cref="Refuse"/>, so the
/// client's configuration stays valid. Connecting to the target is bounded by <see cref="ConnectTimeout"/>; every
/// connection ends at <see cref="DisposeAsync"/>, which waits (bounded) for all of them.
/// </summary>
public sealed class FaultProxy : IAsyncDisposable
{
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(5);
    private const int BufferBytes = 16 * 1024;

    private readonly EndPoint _target;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<long, ProxiedConnection> _open = new();
    private readonly ConcurrentBag<Task> _tasks = [];
    private readonly Lock _gate = new();
    private Socket? _listener;
    private TaskCompletionSource _resume = Resumed();
    private int _bytesPerSecond;
    private CutRule? _cut;
    private long _connections;
    private long _bytesToTarget;
    private long _bytesToClient;
    private int _disposed;

    private FaultProxy(EndPoint target, int port)
    {
        _target = target;
        Port = port;
    }

    /// <summary>Starts a proxy to <paramref name="targetHostPort"/> (<c>HOST:PORT</c>, e.g. a fixture's <c>HostPort</c>).</summary>
    public static Task<FaultProxy> StartAsync(string targetHostPort)
    {
        var colon = targetHostPort.LastIndexOf(':');
        var host = targetHostPort[..colon];
        var port = int.Parse(targetHostPort[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        EndPoint target = IPAddress.TryParse(host, out var address) ? new IPEndPoint(address, port) : new DnsEndPoint(host, port);
        return BindRetry.StartAsync("fault proxy", _ =>
        {
            var proxy = new FaultProxy(target, LoopbackPorts.Candidate());
            proxy.Listen();
            return Task.FromResult(proxy);
        });
    }

    public int Port { get; }

    /// <summary><c>127.0.0.1:PORT</c>: where clients connect instead of the target.</summary>
    public string HostPort => $"127.0.0.1:{Port}";

    /// <summary>Connections accepted so far.</summary>
    public long Connections => Interlocked.Read(ref _connections);

    /// <summary>Connections open now.</summary>
    public int OpenConnections => _open.Count;

    /// <summary>Bytes forwarded from clients to the target so far.</summary>
    public long BytesToTarget => Interlocked.Read(ref _bytesToTarget);

    /// <summary>Bytes forwarded from the target to clients so far.</summary>
    public long BytesToClient => Interlocked.Read(ref _bytesToClient);

    /// <summary>Forwards everything as it comes: listens again if refusing, resumes stalled connections, ends throttling and cuts.</summary>
    public void PassThrough()
    {
        lock (_gate)
        {
            _bytesPerSecond = 0;
            _cut = null;
            _resume.TrySetResult();
            if (_listener is null) Listen();
        }
    }

    /// <summary>Closes the listening socket: connecting is refused until <see cref="PassThrough"/>. Open connections go on.</summary>
    public void Refuse()
    {
        lock (_gate)
        {
            _listener?.Dispose();
            _listener = null;
        }
    }

    /// <summary>
    /// Ends the response direction of a connection once it has forwarded <paramref name="bytes"/> more bytes (counted
    /// from this call on an open connection, from its start on a new one): the client gets exactly those bytes, then
    /// the end of the stream (<paramref name="reset"/>: a TCP reset instead), and the target connection is closed.
    /// Only the first connection to get there (<paramref name="everyConnection"/>: each one).
    /// </summary>
    public void CutResponses(long bytes, bool everyConnection = false, bool reset = false)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        lock (_gate) _cut = new CutRule(bytes, everyConnection, reset);
    }

    /// <summary>Limits the response direction of every connection to <paramref name="bytesPerSecond"/> (0: no limit).</summary>
    public void Throttle(int bytesPerSecond)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytesPerSecond);
        lock (_gate) _bytesPerSecond = bytesPerSecond;
    }

    /// <summary>Stops forwarding either way on every connection, open and new, without closing any, until <see cref="PassThrough"/>.</summary>
    public void Stall()
    {
        lock (_gate)
        {
            if (_resume.Task.IsCompleted) _resume = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    /// <summary>Resets every open connection (both sides), as a target that crashed would leave them.</summary>
    public void DropConnections()
    {
        foreach (var connection in _open.Values) connection.Abort(reset: true);
    }

    private static TaskCompletionSource Resumed()
    {
        var resumed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        resumed.SetResult();
        return resumed;
    }

    // Called under _gate (or before the proxy is shared).
    private void Listen()
    {
        var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            // Accepted connections in TIME_WAIT hold the port: listening again after Refuse needs SO_REUSEADDR.
            listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            listener.Bind(new IPEndPoint(IPAddress.Loopback, Port));
            listener.Listen(128);
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            listener.Dispose();
            throw new PortInUseException($"fault proxy: 127.0.0.1:{Port} address already in use", e);
        }
        _listener = listener;
        _tasks.Add(AcceptAsync(listener));
    }

    private async Task AcceptAsync(Socket listener)
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try { client = await listener.AcceptAsync(_stop.Token); }
            catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException) { return; }
            var id = Interlocked.Increment(ref _connections);
            _tasks.Add(ServeAsync(id, client));
        }
    }

    private async Task ServeAsync(long id, Socket client)
    {
        client.NoDelay = true;
        var target = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        using var connection = new ProxiedConnection(client, target, _stop.Token);
        _open[id] = connection;
        try
        {
            using (var connect = CancellationTokenSource.CreateLinkedTokenSource(connection.Cancel))
            {
                connect.CancelAfter(ConnectTimeout);
                try { await target.ConnectAsync(_target, connect.Token); }
                catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
                {
                    connection.Abort(reset: true); // the target is down: so is the proxy, for this client
                    return;
                }
            }
            var request = PumpAsync(connection, toClient: false);
            var response = PumpAsync(connection, toClient: true);
            await Task.WhenAll(request, response);
        }
        finally
        {
            _open.TryRemove(id, out _);
        }
    }

    /// <summary>Copies one direction until its end, forwarding each read under the faults in force at the time.</summary>
    private async Task PumpAsync(ProxiedConnection connection, bool toClient)
    {
        var (from, to) = toClient ? (connection.Target, connection.Client) : (connection.Client, connection.Target);
        var buffer = new byte[BufferBytes];
        var cut = (Rule: (CutRule?)null, Sent: 0L);
        var throttle = (Rate: 0, Since: 0L, Sent: 0L);
        try
        {
            while (true)
            {
                var read = await from.ReceiveAsync(buffer, SocketFlags.None, connection.Cancel);
                if (read == 0)
                {
                    to.Shutdown(SocketShutdown.Send); // the half close travels on; the other direction may still run
                    return;
                }
                var offset = 0;
                while (offset < read)
                {
                    Task resume;
                    CutRule? rule;
                    int rate;
                    lock (_gate) (resume, rule, rate) = (_resume.Task, toClient ? _cut : null, toClient ? _bytesPerSecond : 0);
                    if (!resume.IsCompleted)
                    {
                        await resume.WaitAsync(connection.Cancel);
                        continue; // the faults may have changed meanwhile
                    }

                    var chunk = read - offset;
                    // Small slices when throttled: the last byte of X leaves no sooner than X / rate after the start.
                    if (rate > 0) chunk = Math.Min(chunk, Math.Max(1, rate / 20));
                    if (rule != cut.Rule) cut = (rule, 0);
                    var fire = false;
                    if (rule is not null && cut.Sent + chunk >= rule.Bytes && rule.TryClaim())
                    {
                        chunk = (int)(rule.Bytes - cut.Sent);
                        fire = true;
                    }
                    if (rate != throttle.Rate) throttle = (rate, Environment.TickCount64, 0);
                    if (rate > 0)
                    {
                        var due = throttle.Since + (throttle.Sent + chunk) * 1000 / rate;
                        var wait = due - Environment.TickCount64;
                        if (wait > 0) await Task.Delay(TimeSpan.FromMilliseconds(wait), connection.Cancel);
                        throttle.Sent += chunk;
                    }

                    if (chunk > 0) await to.SendAsync(buffer.AsMemory(offset, chunk), SocketFlags.None, connection.Cancel);
                    if (toClient) Interlocked.Add(ref _bytesToClient, chunk);
                    else Interlocked.Add(ref _bytesToTarget, chunk);
                    offset += chunk;
                    cut.Sent += chunk;
                    if (fire)
                    {
                        connection.Abort(rule!.Reset);
                        return;
                    }
                }
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // A side closed or reset, a cut, a drop, or the proxy stopping: the connection is over either way.
            connection.Abort(reset: false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        await _stop.CancelAsync();
        Refuse();
        lock (_gate) _resume.TrySetResult();
        DropConnections();
        try { await Task.WhenAll(_tasks).WaitAsync(TimeSpan.FromSeconds(10)); }
        catch (TimeoutException) { throw new TimeoutException($"fault proxy on {HostPort}: connections still running 10 s after dispose"); }
        _stop.Dispose();
    }

    /// <summary>A cut in force: its length, whether it is spent after one connection, how it ends the stream.</summary>
    private sealed class CutRule(long bytes, bool everyConnection, bool reset)
    {
        private int _fired;

        public long Bytes { get; } = bytes;

        public bool Reset { get; } = reset;

        public bool TryClaim() => everyConnection || Interlocked.Exchange(ref _fired, 1) == 0;
    }

    /// <summary>Both sockets of one proxied connection and the signal that ends it.</summary>
    private sealed class ProxiedConnection(Socket client, Socket target, CancellationToken stop) : IDisposable
    {
        private readonly CancellationTokenSource _cancel = CancellationTokenSource.CreateLinkedTokenSource(stop);
        private int _aborted;

        public Socket Client { get; } = client;

        public Socket Target { get; } = target;

        public CancellationToken Cancel => _cancel.Token;

        /// <summary>Ends both sides now: the client sees the end of the stream, or a reset.</summary>
        public void Abort(bool reset)
        {
            if (Interlocked.Exchange(ref _aborted, 1) == 1) return;
            if (reset) Client.LingerState = new LingerOption(true, 0);
            else try { Client.Shutdown(SocketShutdown.Both); } catch (Exception e) when (e is SocketException or ObjectDisposedException) { }
            Client.Close();
            Target.Close();
            try { _cancel.Cancel(); } catch (ObjectDisposedException) { }
        }

        public void Dispose()
        {
            Abort(reset: false);
            _cancel.Dispose();
        }
    }
}
