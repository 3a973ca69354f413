using OrleansRegistry.TestSupport.Parsers;

namespace OrleansRegistry.Server.Tests.Properties;

/// <summary>Every Server parser target (TestSupport.Server/Parsers/ServerParserTargets.cs) on arbitrary and near-valid input.</summary>
public sealed class ServerParserTargetTests
{
    public static TheoryData<string> Targets => new(ServerParserTargets.All.Select(t => t.Name));

    [Theory]
    [MemberData(nameof(Targets))]
    public void Parser_never_throws_an_undocumented_exception_nor_breaks_its_invariants(string target) =>
        ParserProperties.NeverThrowsUndocumented(AllParserTargets.Find(target));
}
