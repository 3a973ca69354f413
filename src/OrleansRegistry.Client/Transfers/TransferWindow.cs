namespace OrleansRegistry.Client.Transfers;

/// <summary>
/// Runs an ordered list of transfers (the layers of an image) with a window: transfer <c>i</c> may start only when
/// transfer <c>i − window</c> has finished successfully. The first failure aborts the whole run: every transfer in
/// flight is cancelled through a linked token, none starts after it, and every task has finished before
/// <see cref="RunAsync"/> returns — then the first failure is rethrown as it was. Cancellation by the caller behaves
/// the same and surfaces as <see cref="OperationCanceledException"/>.
/// </summary>
public static class TransferWindow
{
    public static async Task RunAsync(
        IReadOnlyList<Func<CancellationToken, Task>> transfers, int window, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(window, 1);
        using var abort = CancellationTokenSource.CreateLinkedTokenSource(ct);
        Exception? firstFailure = null;
        var tasks = new Task[transfers.Count];

        for (var i = 0; i < transfers.Count; i++)
        {
            var predecessor = i >= window ? tasks[i - window] : Task.CompletedTask;
            var transfer = transfers[i];
            tasks[i] = RunOneAsync(predecessor, transfer);
        }

        try
        {
            await Task.WhenAll(tasks);
        }
        catch
        {
            // Every task has completed here (WhenAll waits for all); report the failure that came first.
        }

        if (firstFailure is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(firstFailure);
        ct.ThrowIfCancellationRequested();

        async Task RunOneAsync(Task predecessor, Func<CancellationToken, Task> transfer)
        {
            try
            {
                await predecessor;
            }
            catch
            {
                return; // the run is already failing; the predecessor's failure is recorded once, by itself
            }
            if (abort.IsCancellationRequested) return; // no new transfer starts after a failure or cancellation
            try
            {
                await transfer(abort.Token);
            }
            catch (Exception e)
            {
                // A transfer cancelled because of someone else's failure is a consequence, not the cause.
                var consequence = e is OperationCanceledException && abort.IsCancellationRequested && !ct.IsCancellationRequested;
                if (!consequence && !ct.IsCancellationRequested) Interlocked.CompareExchange(ref firstFailure, e, null);
                abort.Cancel();
                throw;
            }
        }
    }
}
