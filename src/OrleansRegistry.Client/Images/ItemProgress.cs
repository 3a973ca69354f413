using OrleansRegistry.Core;

namespace OrleansRegistry.Client.Images;

/// <summary>Turns the byte counts a blob stream or upload reports into <see cref="TransferEventKind.Progress"/> events
/// of one item, and remembers the last count for the item's closing event. Reported synchronously, on the transfer's
/// thread, so events of one item arrive in order.</summary>
internal sealed class ItemProgress(IProgress<TransferEvent> sink, Descriptor item) : IProgress<long>
{
    private long _bytes;

    public long Bytes => Volatile.Read(ref _bytes);

    public void Report(long value)
    {
        Volatile.Write(ref _bytes, value);
        sink.Report(new TransferEvent(TransferEventKind.Progress, item, value));
    }
}
