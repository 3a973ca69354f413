namespace OrleansRegistry.TestSupport;

/// <summary>
/// Figures a test measures and reports without asserting on them (speed targets belong in scripts/bench): each line
/// goes to the file named by <c>ORLEANSREGISTRY_TEST_FIGURES</c>, which scripts/test prints after the run.
/// </summary>
public static class TestFigures
{
    public const string FileVariable = "ORLEANSREGISTRY_TEST_FIGURES";
    private static readonly object Gate = new();

    public static void Report(string line)
    {
        if (Environment.GetEnvironmentVariable(FileVariable) is not { Length: > 0 } file) return;
        lock (Gate) File.AppendAllText(file, $"{line}{Environment.NewLine}");
    }
}
