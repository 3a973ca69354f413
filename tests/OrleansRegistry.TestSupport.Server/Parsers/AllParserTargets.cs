namespace OrleansRegistry.TestSupport.Parsers;

/// <summary>Every parser target, the libraries' and the Server's: what the fuzz harness picks from by name.</summary>
public static class AllParserTargets
{
    public static IReadOnlyList<ParserTarget> All { get; } = [.. ParserTargets.All, .. ServerParserTargets.All];

    public static ParserTarget Find(string name) => ParserTargets.Find(All, name);
}
