using System.Diagnostics.Metrics;
using OrleansRegistry.Grains;

namespace OrleansRegistry.Server.Observability;

/// <summary>
/// The registry's request and upload instruments, on <see cref="RegistryMeter"/>. One instance per silo (a DI
/// singleton).
/// </summary>
public sealed class RegistryMetrics
{
    /// <summary>The tag naming the spec resource a request addressed (<see cref="RouteLabels"/>): bounded values only.</summary>
    public const string RouteTag = "registry.route";

    private readonly Counter<long> _uploadBytesReread;
    private readonly UpDownCounter<long> _uploadWritesInProgress;
    private readonly Counter<long> _requestBodyBytes;
    private readonly Counter<long> _responseBodyBytes;

    public RegistryMetrics(IMeterFactory meters)
    {
        var meter = RegistryMeter.Create(meters);
        _uploadBytesReread = meter.CreateCounter<long>("registry.upload.reread", "By",
            "Upload bytes read back from the blob store because no saved hash state matched (0 in a healthy cluster)");
        _uploadWritesInProgress = meter.CreateUpDownCounter<long>("registry.upload.writes.in_progress", "{request}",
            "Upload requests (PATCH, PUT, monolithic POST) streaming into the blob store on this silo now");
        _requestBodyBytes = meter.CreateCounter<long>("registry.http.request.body", "By",
            "Request body bytes read, by spec resource");
        _responseBodyBytes = meter.CreateCounter<long>("registry.http.response.body", "By",
            "Response body bytes written, by spec resource");

        // A series appears with its first measurement: start both at 0, so that a silo that never re-read a byte shows
        // 0 rather than nothing, and rate() and alerts work from the start.
        _uploadBytesReread.Add(0);
        _uploadWritesInProgress.Add(0);
    }

    public void UploadBytesReread(long bytes) => _uploadBytesReread.Add(bytes);

    /// <summary>Counts one upload request as in progress until the returned scope is disposed.</summary>
    public WriteScope UploadWriteStarted()
    {
        _uploadWritesInProgress.Add(1);
        return new WriteScope(_uploadWritesInProgress);
    }

    public void RequestBodyRead(string route, long bytes) =>
        _requestBodyBytes.Add(bytes, new KeyValuePair<string, object?>(RouteTag, route));

    public void ResponseBodyWritten(string route, long bytes) =>
        _responseBodyBytes.Add(bytes, new KeyValuePair<string, object?>(RouteTag, route));

    public readonly struct WriteScope(UpDownCounter<long> counter) : IDisposable
    {
        public void Dispose() => counter.Add(-1);
    }
}
