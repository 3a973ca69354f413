namespace OrleansRegistry.Cli.Tests.Infrastructure;

/// <summary>CLI tests that share one real OrleansRegistry server (process, PostgreSQL database, data directory).</summary>
[CollectionDefinition(Name)]
public sealed class RegistryCollection : ICollectionFixture<RegistryFixture>
{
    public const string Name = "cli-registry-server";
}
