using OrleansRegistry.Client.Images;

namespace OrleansRegistry.Cli.Output;

/// <summary>Shows an image transfer while it runs; the transfer gets the progress sink (null when nothing is shown).</summary>
internal interface ITransferDisplay
{
    Task<T> RunAsync<T>(Func<IProgress<TransferEvent>?, Task<T>> transfer);
}
