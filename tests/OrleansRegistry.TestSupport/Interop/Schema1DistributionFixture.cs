namespace OrleansRegistry.TestSupport.Interop;

/// <summary>
/// CNCF distribution 2.8.2 with schema1 enabled (<c>compatibility: schema1: enabled: true</c>; distribution docs
/// "configuration.md", compatibility section), so it accepts schema1 pushes and verifies their signatures on PUT.
/// Shared by the server's schema1 interop tests and the client's schema1 image transfer tests.
/// </summary>
public sealed class Schema1DistributionFixture : DistributionRegistryFixture
{
    protected override string ExtraConfig => """
        compatibility:
          schema1:
            enabled: true
        """;
}
