using OrleansRegistry.Client.Images;

namespace OrleansRegistry.Cli.Output;

/// <summary>
/// Output that is not a terminal: one line per event (started, done, exists, mounted, failed), never a line per
/// progress step, e.g. <c>layer sha256:0123456789ab… 12.3 MiB done</c>. Lines are written as the events arrive, from
/// whichever transfer task reports them, one whole line at a time.
/// </summary>
internal sealed class PlainTransferDisplay(TextWriter output) : ITransferDisplay, IProgress<TransferEvent>
{
    private readonly Lock _lock = new();

    public Task<T> RunAsync<T>(Func<IProgress<TransferEvent>?, Task<T>> transfer) => transfer(this);

    public void Report(TransferEvent value)
    {
        var line = EventFormat.Line(value);
        if (line is null)
            return;
        lock (_lock)
            output.WriteLine(line);
    }
}
