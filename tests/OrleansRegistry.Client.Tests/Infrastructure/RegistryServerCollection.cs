namespace OrleansRegistry.Client.Tests.Infrastructure;

/// <summary>Client tests that share one real OrleansRegistry server (process, PostgreSQL database, data directory).</summary>
[CollectionDefinition(Name)]
public sealed class RegistryServerCollection : ICollectionFixture<RegistryFixture>
{
    public const string Name = "client-registry-server";
}
