using Microsoft.Extensions.Logging;

namespace OrleansRegistry.Grains.Manifests;

/// <summary>
/// Runs <see cref="ManifestStateMove"/> as the last step of the silo's start, retrying a failed run until it completes
/// or the silo stops. Until then the silo has not started: the HTTP front end, which starts after it, neither serves
/// requests nor answers /readyz. On a database whose upgrade is recorded it is one query.
/// </summary>
public sealed class ManifestStateMoveAtStart(ManifestStateMove move, ILogger<ManifestStateMoveAtStart> logger)
    : ILifecycleParticipant<ISiloLifecycle>
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(5);

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(ManifestStateMoveAtStart), ServiceLifecycleStage.Active, RunAsync);

    private async Task RunAsync(CancellationToken ct)
    {
        while (true)
        {
            try
            {
                await move.RunAsync(ct);
                return;
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                logger.LogWarning(e, "Moving manifests from grain state into rows failed; retrying in {Delay}", RetryDelay);
            }
            await Task.Delay(RetryDelay, ct);
        }
    }
}
