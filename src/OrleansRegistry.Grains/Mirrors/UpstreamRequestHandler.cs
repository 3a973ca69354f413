using System.Globalization;

namespace OrleansRegistry.Grains.Mirrors;

/// <summary>
/// Every request to one upstream (token requests included) passes here: it waits its turn under the mirror's
/// requests-per-second cap and is counted by status in <see cref="MirrorMetrics"/>.
/// </summary>
internal sealed class UpstreamRequestHandler(Mirror mirror, UpstreamPacer? pacer, MirrorMetrics metrics) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        if (pacer is not null && !await pacer.WaitTurnAsync(mirror.Options.UpstreamTimeout, ct).ConfigureAwait(false))
            throw UpstreamErrors.Unavailable(mirror, $"more than {mirror.Options.RequestsPerSecond} requests per second are queued");
        try
        {
            var response = await base.SendAsync(request, ct).ConfigureAwait(false);
            metrics.UpstreamRequest(mirror.Namespace, ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture));
            return response;
        }
        catch
        {
            metrics.UpstreamRequest(mirror.Namespace, "failed");
            throw;
        }
    }
}
