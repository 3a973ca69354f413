namespace OrleansRegistry.Client.Tests.Registry;

/// <summary>Runs a callback on the reporting thread, at the exact point of the transfer that reported.</summary>
public sealed class CallbackProgress(Action<long> onReport) : IProgress<long>
{
    public void Report(long value) => onReport(value);
}
