using System.Diagnostics;
using System.Runtime.InteropServices;

namespace OrleansRegistry.TestSupport;

/// <summary>Sends a POSIX signal to a child process, as a terminal (SIGINT) or a service manager (SIGTERM) would;
/// .NET's Process offers only SIGKILL (and no way to say which signal was meant).</summary>
public static class PosixSignal
{
    public const int Interrupt = 2;
    public const int Kill = 9;
    public const int Terminate = 15;

    /// <summary>True when the signal was delivered (kill(2) returned 0).</summary>
    public static bool Send(int pid, int signal) => kill(pid, signal) == 0;

    /// <summary>Stops a child process as a service manager would: SIGTERM, then SIGKILL if it is still there after <paramref name="grace"/>.</summary>
    public static async Task TerminateAsync(Process process, TimeSpan grace)
    {
        if (process.HasExited) return;
        Send(process.Id, Terminate);
        using var cts = new CancellationTokenSource(grace);
        try { await process.WaitForExitAsync(cts.Token); }
        catch (OperationCanceledException) { process.Kill(); await process.WaitForExitAsync(); }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);
}
