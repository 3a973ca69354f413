using OrleansRegistry.Core;

namespace OrleansRegistry.Client.Images;

/// <summary>Runs one item's transfer between its <see cref="TransferEventKind.Started"/> event and its closing one
/// (<see cref="TransferEventKind.Completed"/>, Skipped, Mounted, or Failed with the error), so every started item is
/// closed exactly once whatever happens to it.</summary>
internal sealed class TransferReporter(IProgress<TransferEvent>? sink)
{
    public async Task RunAsync(Descriptor item,
        Func<IProgress<long>?, CancellationToken, Task<TransferEventKind>> transfer, CancellationToken ct)
    {
        if (sink is null)
        {
            await transfer(null, ct).ConfigureAwait(false);
            return;
        }
        sink.Report(new TransferEvent(TransferEventKind.Started, item, 0));
        var progress = new ItemProgress(sink, item);
        TransferEventKind outcome;
        try
        {
            outcome = await transfer(progress, ct).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            sink.Report(new TransferEvent(TransferEventKind.Failed, item, progress.Bytes) { Error = e });
            throw;
        }
        sink.Report(new TransferEvent(outcome, item, item.Size));
    }
}
