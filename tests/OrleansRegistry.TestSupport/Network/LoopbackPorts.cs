using System.Net;
using System.Net.Sockets;

namespace OrleansRegistry.TestSupport.Network;

/// <summary>
/// Ports for servers that cannot bind port 0 and report the port back (Orleans silo and gateway, CNCF distribution,
/// HttpListener, PostgreSQL). A candidate is only a guess: the server may still find it taken, so every caller starts
/// through <see cref="BindRetry"/>. Candidates lie below the kernel's ephemeral range, where outgoing connections and
/// other servers' port-0 binds (Kestrel here) take their ports, so those can never take a candidate meanwhile.
/// </summary>
public static class LoopbackPorts
{
    private const int Lowest = 20_000;

    private static readonly Lazy<int> EphemeralLow = new(ReadEphemeralLow);

    /// <summary>A random port below the ephemeral range that nothing on this machine has bound right now.</summary>
    public static int Candidate() => CandidateRange(1);

    /// <summary>A random P with P..P+<paramref name="length"/>-1 all below the ephemeral range and unbound right now,
    /// for a server that derives several ports from one (scripts/cluster --port P).</summary>
    public static int CandidateRange(int length)
    {
        var high = Math.Max(EphemeralLow.Value, Lowest + 1_000 + length) - length + 1;
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var port = Random.Shared.Next(Lowest, high);
            if (Enumerable.Range(port, length).All(IsFree)) return port;
        }
        throw new InvalidOperationException($"no {length} free ports in a row in {Lowest}..{high + length - 2} after 200 tries");
    }

    /// <summary>
    /// A loopback port held bound but not listening for as long as the socket lives: connecting to it is refused,
    /// and nothing else can take it meanwhile (for tests of "nobody is listening there").
    /// </summary>
    public static Socket BoundButNotListening()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return socket;
    }

    public static int PortOf(Socket socket) => ((IPEndPoint)socket.LocalEndPoint!).Port;

    // Bound on the wildcard address: that fails when anything holds the port on any local address.
    private static bool IsFree(int port)
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            probe.Bind(new IPEndPoint(IPAddress.Any, port));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static int ReadEphemeralLow()
    {
        try
        {
            var range = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[])['\t', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries);
            return int.Parse(range[0]);
        }
        catch (Exception e) when (e is IOException or FormatException or IndexOutOfRangeException or UnauthorizedAccessException)
        {
            return 32_768; // Linux's default
        }
    }
}
