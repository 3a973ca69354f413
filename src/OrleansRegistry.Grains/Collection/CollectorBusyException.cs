namespace OrleansRegistry.Grains.Collection;

/// <summary>Another collector holds the cluster-wide lock: one collection at a time (POST /admin/gc answers 409).</summary>
public sealed class CollectorBusyException() : Exception("a garbage collection is already running in the cluster; try again when it has finished");
