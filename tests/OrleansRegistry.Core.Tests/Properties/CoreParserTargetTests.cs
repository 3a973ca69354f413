using OrleansRegistry.TestSupport.Parsers;

namespace OrleansRegistry.Core.Tests.Properties;

/// <summary>Every Core parser target (TestSupport/Parsers/ParserTargets.cs) on arbitrary and near-valid input.</summary>
public sealed class CoreParserTargetTests
{
    public static TheoryData<string> Targets => new(ParserTargets.All.Where(t => t.Project == "Core").Select(t => t.Name));

    [Theory]
    [MemberData(nameof(Targets))]
    public void Parser_never_throws_an_undocumented_exception_nor_breaks_its_invariants(string target) =>
        ParserProperties.NeverThrowsUndocumented(ParserTargets.Find(target));
}
