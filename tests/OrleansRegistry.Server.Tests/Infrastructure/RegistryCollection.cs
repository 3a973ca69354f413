using OrleansRegistry.TestSupport.Registry;

namespace OrleansRegistry.Server.Tests.Infrastructure;

/// <summary>The tests that share one registry server (xunit wants collection definitions in the test assembly).</summary>
[CollectionDefinition(Name)]
public sealed class RegistryCollection : ICollectionFixture<RegistryFixture>
{
    public const string Name = "registry";
}
