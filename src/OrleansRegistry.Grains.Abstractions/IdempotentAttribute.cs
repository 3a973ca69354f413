namespace OrleansRegistry.Grains.Abstractions;

/// <summary>
/// Running this grain method twice has the effect of running it once, so a call whose silo died before answering
/// may be sent again (TransientGrainCallRetry). Methods without it are retried only when the call was never delivered.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class IdempotentAttribute : Attribute;
