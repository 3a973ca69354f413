using OrleansRegistry.Core;
using OrleansRegistry.Storage.Index;

namespace OrleansRegistry.Grains.Calls;

/// <summary>
/// A database failure inside a grain must reach the caller as something it can act on. The driver's exceptions have no
/// Orleans codec (a cross-silo caller would get a CodecNotFoundException, then a 500), so they leave the grain as
/// Core's errors: a transient one (connection lost, server restarting, too many clients) as UNAVAILABLE, which the API
/// answers 503 and clients retry; anything else as a plain exception carrying the message.
/// </summary>
public sealed class DatabaseFailureFilter : IIncomingGrainCallFilter
{
    public async Task Invoke(IIncomingGrainCallContext context)
    {
        try
        {
            await context.Invoke();
        }
        catch (Exception e) when (DatabaseFailures.Find(e) is { } failure)
        {
            if (DatabaseFailures.IsTransient(failure))
                throw new RegistryException(ErrorCatalog.Unavailable, "the registry's database is temporarily unavailable; retry");
            throw new InvalidOperationException($"database failure in {context.InterfaceName}.{context.MethodName}: {failure.Message}");
        }
    }
}
