using System.Diagnostics.Metrics;

namespace OrleansRegistry.Server.Observability;

/// <summary>
/// The registry's own instruments (meter <see cref="MeterName"/>), exported on /metrics beside ASP.NET Core's and
/// Orleans' meters. One instance per silo (a DI singleton).
/// </summary>
public sealed class RegistryMetrics
{
    public const string MeterName = "OrleansRegistry";

    private readonly Counter<long> _uploadBytesReread;
    private readonly UpDownCounter<long> _uploadWritesInProgress;

    public RegistryMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _uploadBytesReread = meter.CreateCounter<long>("registry.upload.reread", "By",
            "Upload bytes read back from the blob store because no saved hash state matched (0 in a healthy cluster)");
        _uploadWritesInProgress = meter.CreateUpDownCounter<long>("registry.upload.writes.in_progress", "{request}",
            "Upload requests (PATCH, PUT, monolithic POST) streaming into the blob store on this silo now");
    }

    public void UploadBytesReread(long bytes) => _uploadBytesReread.Add(bytes);

    /// <summary>Counts one upload request as in progress until the returned scope is disposed.</summary>
    public WriteScope UploadWriteStarted()
    {
        _uploadWritesInProgress.Add(1);
        return new WriteScope(_uploadWritesInProgress);
    }

    public readonly struct WriteScope(UpDownCounter<long> counter) : IDisposable
    {
        public void Dispose() => counter.Add(-1);
    }
}
