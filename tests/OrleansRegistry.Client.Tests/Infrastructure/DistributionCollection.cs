namespace OrleansRegistry.Client.Tests.Infrastructure;

/// <summary>Client tests that share one CNCF distribution 2.8.2 process: the "any OCI registry" peer.</summary>
[CollectionDefinition(Name)]
public sealed class DistributionCollection : ICollectionFixture<DistributionRegistryFixture>
{
    public const string Name = "client-distribution";
}
