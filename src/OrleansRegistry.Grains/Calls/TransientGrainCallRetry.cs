using System.Reflection;
using Microsoft.Extensions.Logging;
using OrleansRegistry.Grains.Abstractions;

namespace OrleansRegistry.Grains.Calls;

/// <summary>
/// Retries grain calls that failed only because a silo is leaving or gone, inside the silo, for about 4 s (longer than
/// the tuned failure detection, ClusterHosting): a request that reaches a healthy silo then succeeds instead of
/// answering 503. A rejected call was never delivered, so any method is sent again; a call whose silo died
/// (SiloUnavailableException) may have run, so only <see cref="IdempotentAttribute"/> methods are.
/// </summary>
public sealed class TransientGrainCallRetry(ILogger<TransientGrainCallRetry> logger) : IOutgoingGrainCallFilter
{
    // Short, even steps after the first few: the call succeeds soon after membership declares the silo dead
    // (about 1–2 s), not up to a second later. 50 + 100 + 200 + 14 × 250 ms = 3.85 s in all.
    private static readonly TimeSpan[] Delays =
        [TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(200),
         .. Enumerable.Repeat(TimeSpan.FromMilliseconds(250), 14)];

    public async Task Invoke(IOutgoingGrainCallContext context)
    {
        for (var attempt = 0; ; attempt++)
        {
            Exception? failure;
            try
            {
                await context.Invoke();
                failure = context.Response?.Exception; // with filters, a failed call may come back as a response
            }
            catch (Exception e)
            {
                failure = e;
            }
            if (failure is null || attempt >= Delays.Length || !IsRetryable(failure, context.InterfaceMethod))
            {
                if (failure is not null && context.Response?.Exception is null) throw failure;
                return;
            }
            logger.LogDebug(failure, "{Method} on {Grain} failed transiently (attempt {Attempt}); retrying",
                context.MethodName, context.TargetId, attempt + 1);
            await Task.Delay(Delays[attempt]);
        }
    }

    private static bool IsRetryable(Exception failure, MethodInfo? method) => failure switch
    {
        // SiloUnavailableException is a rejection too, but one whose call may already have run.
        SiloUnavailableException => method?.GetCustomAttribute<IdempotentAttribute>() is not null,
        OrleansMessageRejectionException => true,
        _ => false,
    };
}
