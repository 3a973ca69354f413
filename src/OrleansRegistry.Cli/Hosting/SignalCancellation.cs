using System.Runtime.InteropServices;

namespace OrleansRegistry.Cli.Hosting;

/// <summary>
/// Cancels <see cref="Token"/> on Ctrl-C (SIGINT) and SIGTERM instead of letting the runtime kill the process, so a
/// transfer stops through its cancellation path: in-flight requests aborted, partial files removed, every task
/// finished, exit code 130. A second Ctrl-C is not intercepted and ends the process at once.
/// </summary>
internal sealed class SignalCancellation : IDisposable
{
    private readonly CancellationTokenSource _cts = new();
    private readonly PosixSignalRegistration? _sigterm;

    public SignalCancellation()
    {
        Console.CancelKeyPress += OnCancelKeyPress;
        if (!OperatingSystem.IsWindows())
        {
            _sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
            {
                context.Cancel = true;
                Cancel();
            });
        }
    }

    public CancellationToken Token => _cts.Token;

    private void OnCancelKeyPress(object? sender, ConsoleCancelEventArgs e)
    {
        if (_cts.IsCancellationRequested)
            return;
        e.Cancel = true;
        Cancel();
    }

    private void Cancel()
    {
        try { _cts.Cancel(); }
        catch (ObjectDisposedException) { } // a signal that arrives while the process is already finishing
    }

    public void Dispose()
    {
        Console.CancelKeyPress -= OnCancelKeyPress;
        _sigterm?.Dispose();
        _cts.Dispose();
    }
}
