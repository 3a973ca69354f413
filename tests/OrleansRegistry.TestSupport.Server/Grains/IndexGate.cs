using System.Collections.Concurrent;
using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Hosting;
using Orleans.TestingHost;
using OrleansRegistry.Core;
using OrleansRegistry.Storage.Index;

namespace OrleansRegistry.TestSupport.Grains;

/// <summary>
/// Makes an interleaving deterministic: the real <see cref="PostgresRegistryIndex"/>, wrapped so that a call to an
/// armed method for an armed repository runs, then holds its result until the test releases it (a read that saw
/// the old row and comes back late). Silos of a
/// <see cref="RegistryTestCluster"/> started with <see cref="Configurator"/> use it.
/// </summary>
public class IndexGate : DispatchProxy
{
    private static readonly ConcurrentDictionary<(string Method, string Repository), Hold> Holds = new();
    private IRegistryIndex _inner = null!;

    /// <summary>The next call of <paramref name="method"/> for <paramref name="repository"/> returns only when the hold is released.</summary>
    public static Hold Arm(string method, string repository)
    {
        var hold = new Hold();
        Holds[(method, repository)] = hold;
        return hold;
    }

    protected override object? Invoke(MethodInfo? method, object?[]? args)
    {
        var key = (method!.Name, args is [RepositoryName repository, ..] ? repository.Value : "");
        if (!Holds.TryRemove(key, out var hold)) return method.Invoke(_inner, args);
        // Same return type as the real method: a Task (or Task<T>) that completes once the hold is released.
        var run = typeof(IndexGate).GetMethod(nameof(RunAfter), BindingFlags.NonPublic | BindingFlags.Static)!;
        return method.ReturnType.IsGenericType
            ? run.MakeGenericMethod(method.ReturnType.GetGenericArguments()[0]).Invoke(null, [hold, (Func<object?>)(() => method.Invoke(_inner, args))])
            : RunAfterVoid(hold, () => (Task)method.Invoke(_inner, args)!);
    }

    private static async Task<T> RunAfter<T>(Hold hold, Func<object?> call)
    {
        var result = await (Task<T>)call()!;
        hold.SignalEntered();
        await hold.Released;
        return result;
    }

    private static async Task RunAfterVoid(Hold hold, Func<Task> call)
    {
        await call();
        hold.SignalEntered();
        await hold.Released;
    }

    public sealed class Hold
    {
        private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Completes when the gated call has run (and waits to return).</summary>
        public Task Entered => _entered.Task;

        internal Task Released => _released.Task;

        internal void SignalEntered() => _entered.TrySetResult();

        public void Release() => _released.TrySetResult();
    }

    /// <summary>Replaces each silo's index with the gated wrapper around the real one.</summary>
    public sealed class Configurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder silo) =>
            silo.Services.AddSingleton<IRegistryIndex>(sp =>
            {
                var proxy = Create<IRegistryIndex, IndexGate>();
                ((IndexGate)(object)proxy)._inner = ActivatorUtilities.CreateInstance<PostgresRegistryIndex>(sp);
                return proxy;
            });
    }
}
