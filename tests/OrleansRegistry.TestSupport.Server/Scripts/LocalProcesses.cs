using System.Net;
using System.Net.Sockets;

namespace OrleansRegistry.TestSupport.Scripts;

/// <summary>What a script left running: processes, listening ports, the private PostgreSQL under a data directory.</summary>
public static class LocalProcesses
{
    /// <summary>Running, i.e. not gone and not a zombie (this machine's init reaps orphans late).</summary>
    public static bool IsRunning(int pid)
    {
        string stat;
        try { stat = File.ReadAllText($"/proc/{pid}/stat"); }
        catch (IOException) { return false; }
        // "pid (comm) S ...": the state follows the last ')', since comm may itself contain one.
        return stat[(stat.LastIndexOf(')') + 2)..].FirstOrDefault() is not ('Z' or 'X');
    }

    public static bool IsListening(int port)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Connect(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>The postmaster of the private PostgreSQL that scripts/run and scripts/cluster start under
    /// <paramref name="dataDirectory"/>; fails when none runs.</summary>
    public static int PrivatePostmasterPid(string dataDirectory)
    {
        var file = Path.Combine(dataDirectory, "postgres", "data", "postmaster.pid");
        Assert.True(File.Exists(file), $"no {file}: the private PostgreSQL is not running");
        return int.Parse(File.ReadLines(file).First());
    }
}
