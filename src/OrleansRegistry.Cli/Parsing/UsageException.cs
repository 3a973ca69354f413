namespace OrleansRegistry.Cli.Parsing;

/// <summary>The command line is wrong (unknown command or option, missing argument, malformed reference): exit code 2.</summary>
internal sealed class UsageException(string message) : Exception(message);
