namespace OrleansRegistry.Client.Tests.Registry;

/// <summary>Records progress reports on the reporting thread (Progress&lt;T&gt; would post them later to the thread pool).</summary>
public sealed class SynchronousProgress(List<long> reports) : IProgress<long>
{
    public void Report(long value)
    {
        lock (reports) reports.Add(value);
    }
}
