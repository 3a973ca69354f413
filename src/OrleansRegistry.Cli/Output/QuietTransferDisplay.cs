using OrleansRegistry.Client.Images;

namespace OrleansRegistry.Cli.Output;

/// <summary><c>--quiet</c>: the transfer runs without a progress sink, so it does not even build events.</summary>
internal sealed class QuietTransferDisplay : ITransferDisplay
{
    public Task<T> RunAsync<T>(Func<IProgress<TransferEvent>?, Task<T>> transfer) => transfer(null);
}
