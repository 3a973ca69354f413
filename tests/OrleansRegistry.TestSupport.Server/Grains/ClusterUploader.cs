using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using OrleansRegistry.Grains;
using OrleansRegistry.Server.Observability;
using OrleansRegistry.Server.Uploads;

namespace OrleansRegistry.TestSupport.Grains;

/// <summary>
/// The server's upload byte path (<see cref="BlobUploader"/>) driven against a <see cref="RegistryTestCluster"/>, as a
/// silo's HTTP front end drives it, with the bytes it had to read back counted from its real metric.
/// </summary>
public sealed class ClusterUploader : IDisposable
{
    private readonly ServiceProvider _services;
    private readonly MeterListener _listener = new();
    private long _rereadBytes;

    public ClusterUploader(RegistryTestCluster cluster)
    {
        _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var meters = _services.GetRequiredService<IMeterFactory>();
        Uploader = new BlobUploader(cluster.Grains, cluster.Blobs, new RegistryMetrics(meters));
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == RegistryMeter.Name && instrument.Name == "registry.upload.reread")
                listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref _rereadBytes, value));
        _listener.Start();
    }

    public BlobUploader Uploader { get; }

    /// <summary>Bytes the finish read back from the blob store because no saved hash state matched.</summary>
    public long RereadBytes => Interlocked.Read(ref _rereadBytes);

    public void Dispose()
    {
        _listener.Dispose();
        _services.Dispose();
    }
}
