namespace OrleansRegistry.TestSupport.Parsers;

/// <summary>A parser returned something its own contract rules out (a fuzz or property-test finding).</summary>
public sealed class ParserInvariantException(string message) : Exception(message)
{
    public static void Check(bool condition, string what)
    {
        if (!condition) throw new ParserInvariantException(what);
    }
}
