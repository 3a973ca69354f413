namespace OrleansRegistry.Cli;

/// <summary>What <c>oreg</c> exits with.</summary>
public static class ExitCodes
{
    public const int Success = 0;

    /// <summary>The registry answered an error, a transfer failed, or local content (layout, key, manifest file) was unusable.</summary>
    public const int Failure = 1;

    /// <summary>The command line was wrong.</summary>
    public const int Usage = 2;

    /// <summary>Ctrl-C or SIGTERM (128 + SIGINT, the shell convention).</summary>
    public const int Cancelled = 130;
}
